"""Named-entity extraction with Hugging Face token-classification models.

``extractor`` serves any such model (local directory or Hub id) behind the
harness's Extractor protocol; ``combined`` is the explicitly named setup
that adds the rule baseline's claim frames to NER entities; ``words`` is the
sub-token/word/window bookkeeping shared with training; ``loading`` finds
models and says clearly when one cannot be had.
"""
