"""The plug-in lookup shared by the extractor, judge and corpus-format registries."""

from __future__ import annotations

import pytest

from harness.common.plugins import available_names, find_target, load_target

BUILTIN = {"alpha": "harness.common.plugins:load_target"}


def test_a_builtin_wins_over_a_plugin_of_the_same_name():
    plugins = {"alpha": "somewhere.else:thing", "beta": "harness.common.plugins:find_target"}
    assert find_target("alpha", BUILTIN, plugins) == "harness.common.plugins:load_target"
    assert find_target("beta", BUILTIN, plugins) == "harness.common.plugins:find_target"
    assert find_target("gamma", BUILTIN, plugins) is None
    assert available_names(BUILTIN, plugins) == ["alpha", "beta"]


def test_a_target_names_a_module_attribute_or_a_dotted_path_inside_it():
    assert load_target("harness.common.plugins:load_target") is load_target
    assert load_target("harness.common.plugins:find_target.__name__") == "find_target"
    assert load_target("harness.common.plugins").__name__ == "harness.common.plugins"
    with pytest.raises(ModuleNotFoundError):
        load_target("harness.no_such_room:thing")
