// Rotation module.
