"""The rules behind `designer.asl.validate`, split by what they check (see validate.py for the API)."""
