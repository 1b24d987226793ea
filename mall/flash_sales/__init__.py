"""Flash sales engine: a quantity moved out of a SKU's stock, reserved through one Redis Lua step per attempt."""
