"""Everything printed: renderers (human, JSON) and the words of a plan. Nothing else prints.

    render.py  JSON as clever-tools prints it, human output (rich on a terminal, plain text when piped)
    plan.py    a plan in words and as JSON, every value read from `${VAR}` shown as `${VAR}`
"""
