"""What a hook is, independent of I/O."""
