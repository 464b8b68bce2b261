"""Writes a tiny word-level Hugging Face tokenizer to the directory given as argument, so peers that
insist on a tokenizer (AIPerf, GuideLLM) run offline here. Made from scratch: no download."""
import sys

from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

words = ["[UNK]", "[PAD]"] + [f"tok{i}" for i in range(4096)] + [
    w for w in "the a of to and in is it you that he was for on are with as I his they be at one "
    "have this from or had by hot word but what some we can out other were all there when up use "
    "your how said an each she which do their time if will way about many then them write would "
    "like so these her long make thing see him two has look more day could go come did number "
    "sound no most people my over know water than call first who may down side been now find "
    "say something".split()
]
vocab = {w: i for i, w in enumerate(dict.fromkeys(words))}
tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
fast.save_pretrained(sys.argv[1])
