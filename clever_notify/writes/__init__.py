"""The one write path: steps run in order, each write checked against what the API shows.

    executor.py  a plan's actions sent in order (creates, updates, deletes), each step reported
    confirm.py   after an ambiguous failure: was the write applied?
"""
