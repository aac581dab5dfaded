#!/bin/sh
# Installs the PyTorch peers' dependencies from Debian (bookworm): PyTorch 1.13 (CPU; float32 convolutions through
# oneDNN) and OpenBLAS, which replaces the reference BLAS that python3-torch pulls in (PyTorch's float64 convolutions
# are im2col + BLAS gemm: about 2x faster with OpenBLAS than with the reference BLAS, measured on bench/torch/unet_step.py).
# Run as root. The peers run with /usr/bin/python3.
set -e
apt-get update
apt-get install -y python3-torch python3-numpy libopenblas0-pthread
/usr/bin/python3 -c "import torch; print('torch', torch.__version__)"
