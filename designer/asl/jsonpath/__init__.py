"""The JSONPath dialect AWS Step Functions uses (Jayway JsonPath): parser, filter predicates, selection.

The public face is `designer.asl.paths`; this package holds the machinery behind it.
"""
