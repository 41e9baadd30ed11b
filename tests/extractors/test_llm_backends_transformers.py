"""The transformers backend on tiny random models built from configs (no download).

The answers of a random model are noise; these tests check that the code
paths run (loading from a directory, chat template or flattened prompt,
greedy decoding, token counts) and that the extractor survives noise.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from harness.annotations import Document  # noqa: E402
from harness.extractors.llm.backends import create_backend  # noqa: E402
from harness.extractors.llm.backends.base import ChatMessage  # noqa: E402
from harness.extractors.llm.backends.transformers import TransformersBackend  # noqa: E402
from harness.extractors.llm.extractor import LLMExtractor  # noqa: E402
from harness.extractors.llm.settings import GenerationSettings  # noqa: E402

SPECIALS = ["<pad>", "</s>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
TINY_TEMPLATE = "name: tiny\nversion: 1\nsystem: JSON please.\nuser: '{{headline}} {{document}}'\n"
SETTINGS = GenerationSettings(max_new_tokens=6, threads=1)


def _byte_tokenizer():
    """A byte-level BPE tokenizer with no merges: every byte is a token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {token: i for i, token in enumerate(SPECIALS + sorted(alphabet))}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", eos_token="</s>", additional_special_tokens=SPECIALS[2:]
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory):
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = _byte_tokenizer()
    torch.manual_seed(0)
    config = T5Config(
        vocab_size=len(tokenizer), d_model=16, d_ff=32, d_kv=8, num_layers=1, num_decoder_layers=1, num_heads=2,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("tiny-t5")
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_chat(tmp_path_factory):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = _byte_tokenizer()
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=1, max_position_embeddings=4096, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.eos_token_id,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("tiny-chat")
    Qwen2ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


MESSAGES = [ChatMessage("system", "JSON."), ChatMessage("user", "<document>\nنص قصير\n</document>")]


def test_encoder_decoder_model_generates_greedily_from_a_flattened_prompt(tiny_t5):
    backend = create_backend({"kind": "transformers", "model": str(tiny_t5)})
    first = backend.generate(MESSAGES, SETTINGS)
    second = backend.generate(MESSAGES, SETTINGS)
    assert backend._is_seq2seq is True
    assert first.text == second.text  # greedy: same prompt, same answer
    assert first.prompt_tokens > len("نص قصير") and 0 < first.completion_tokens <= SETTINGS.max_new_tokens


def test_chat_model_uses_the_tokenizer_chat_template(tiny_chat):
    backend = TransformersBackend(str(tiny_chat), architecture="causal")
    generation = backend.generate(MESSAGES, SETTINGS)
    backend._load()
    ids = backend._prompt_ids(MESSAGES)
    assert "<|im_start|>assistant" in backend._tokenizer.decode(ids)
    assert generation.prompt_tokens == len(ids)
    assert generation.finish_reason in ("stop", "length")


def test_local_model_directory_is_identified_by_its_content(tiny_t5, tiny_chat):
    one = TransformersBackend(str(tiny_t5)).identity()
    other = TransformersBackend(str(tiny_chat)).identity()
    assert one["model_sha256"] and one["model_sha256"] != other["model_sha256"]
    assert TransformersBackend(str(tiny_t5)).identity() == one


def test_extractor_survives_a_model_that_answers_noise(tiny_chat, tmp_path):
    template = tmp_path / "tiny.yaml"
    template.write_text(TINY_TEMPLATE, encoding="utf-8")
    extractor = LLMExtractor(
        {
            "backend": {"kind": "transformers", "model": str(tiny_chat)},
            "prompt": str(template),
            "generation": {"max_new_tokens": 6},
            "cache_dir": None,
            "progress": False,
        }
    )
    prediction = extractor.extract([Document("t", "عنوان قصير للخبر هنا\n\nفقرة أولى من الخبر فيها ما يكفي من الكلمات.")])[0]
    assert not prediction.failed
    assert prediction.annotations.claims == ()  # noise never becomes a claim
    assert prediction.meta["summary"]["generated"] == 1


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="architecture"):
        TransformersBackend("somewhere", architecture="diffusion")
