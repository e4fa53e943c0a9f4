"""Vision section: convolution, pooling, the digit CNN, classic architectures, image loading."""
