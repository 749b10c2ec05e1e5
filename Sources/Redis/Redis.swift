// Redis module.
