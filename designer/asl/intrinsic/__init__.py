"""The machinery behind `designer.asl.intrinsics`: the call parser and the States.* functions, by noun."""
