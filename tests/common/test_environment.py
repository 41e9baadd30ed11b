"""The machine part of a run record: enough to tell whether two runs used the same kernels."""

from harness.common.environment import cpu_description

# Written for the test in /proc/cpuinfo's layout: two logical CPUs, flags on one line each.
CPUINFO_WITH_AVX512_BF16 = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse sse2 avx avx2 avx512f avx512_bf16 sha_ni

processor\t: 1
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse sse2 avx avx2 avx512f avx512_bf16 sha_ni
"""


def test_cpu_model_and_bf16_kernel_flags_are_read_from_cpuinfo():
    assert cpu_description(CPUINFO_WITH_AVX512_BF16) == {
        "cpu_model": "AMD EPYC 9R14",
        "cpu_flags": ["avx2", "avx512f", "avx512_bf16"],
    }


def test_a_cpu_without_those_flags_records_an_empty_list_not_a_guess():
    cpuinfo = "processor\t: 0\nmodel name\t: Some ARM core\nFeatures\t: fp asimd\n"
    assert cpu_description(cpuinfo) == {"cpu_model": "Some ARM core", "cpu_flags": []}


def test_cpuinfo_without_a_model_name_gives_none():
    assert cpu_description("processor\t: 0\n")["cpu_model"] is None
