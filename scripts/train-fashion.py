#!/usr/bin/python3
"""Train axgen's two float reference networks on Fashion-MNIST and export them as ONNX.

Run once by hand (the tests never run it); the resulting files are committed, so nobody has to
retrain:

    /usr/bin/python3 scripts/train-fashion.py            # writes examples/models/fashion-{mlp,cnn}.onnx

Needs Debian's python3-torch and python3-onnx (use /usr/bin/python3, the interpreter those packages
install into) and the dataset-fashion-mnist package (gzip'd IDX files under
/usr/share/datasets/fashion-mnist). The IDX files are read directly: no torchvision, no download.

Input scaling (the same for both networks, and what the int8 quantizer must assume):
    x = pixel / 255.0, a float in [0, 1], no mean/std normalization.
    MLP input: float32 [1, 784] (row-major 28x28 image, row 0 first).
    CNN input: float32 [1, 1, 28, 28] (NCHW).
Both outputs are float32 [1, 10] logits; the class is the argmax (labels 0..9 as in the dataset).

Networks (only ops the int8 import supports: Conv groups=1, Relu, MaxPool, Flatten, Gemm):
    MLP: Linear 784->128, ReLU, Linear 128->10                      (101,770 parameters)
    CNN: Conv 1->16 3x3 pad 1, ReLU, MaxPool 2  -> 16x14x14
         Conv 16->32 3x3 pad 1, ReLU, MaxPool 2 -> 32x7x7
         Flatten, Linear 1568->64, ReLU, Linear 64->10              (105,866 parameters)
    (A half-width CNN, 8 and 16 channels and Linear 784->64, reached only 89.90 % after 10 epochs:
    too little room for int8 and approximate multipliers.)

Training: Adam (lr 1e-3, halved every 3 epochs), batch 64, cross-entropy, no augmentation, fixed
seeds, deterministic algorithms, 1 CPU thread by default (the machines are shared; the thread count
changes the order of float sums, so keep 1 to reproduce the shipped weights). The test set is used
only for the final figure, never for choices during training.

Measured when the shipped files were made (PyTorch 1.13, 1 thread, a loaded 2-core machine):
MLP 10 epochs, 1,137 s, float test accuracy 87.87 %; CNN 8 epochs, 563 s, 90.81 %
(docs/datasets.md has the table and the dataset's published figures).
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn

DATASET_DIR = '/usr/share/datasets/fashion-mnist'
SEED = 20261130


def read_idx(path):
    """Read a gzip'd or plain IDX file into a numpy array (uint8 data only), checking its header."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        sys.exit(f'{path}: not a uint8 IDX file (magic {data[:4].hex()})')
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    count = int(np.prod(dims))
    body = data[4 + 4 * ndim:]
    if len(body) != count:
        sys.exit(f'{path}: header says {count} bytes of data, file has {len(body)}')
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def load(split, dataset_dir):
    prefix = 'train' if split == 'train' else 't10k'
    x = read_idx(os.path.join(dataset_dir, f'{prefix}-images-idx3-ubyte.gz'))
    y = read_idx(os.path.join(dataset_dir, f'{prefix}-labels-idx1-ubyte.gz'))
    x = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)  # N x 1 x 28 x 28, [0, 1]
    y = torch.from_numpy(y.astype(np.int64))
    return x, y


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):  # x: N x 784
        return self.fc2(torch.relu(self.fc1(x)))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):  # x: N x 1 x 28 x 28
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


def accuracy(model, x, y, flat):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            xb = x[i:i + 1000]
            if flat:
                xb = xb.reshape(len(xb), 784)
            correct += (model(xb).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def train(name, model, flat, epochs, data, log):
    (xtr, ytr), (xte, yte) = data
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    start = time.time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        right = 0
        for i in range(0, len(xtr), 64):
            idx = perm[i:i + 64]
            xb = xtr[idx]
            if flat:
                xb = xb.reshape(len(xb), 784)
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            right += (out.argmax(1) == ytr[idx]).sum().item()
        sched.step()
        log(f'{name}: epoch {epoch + 1}/{epochs} loss {total / len(xtr):.4f} '
            f'running train acc {right / len(xtr):.4f} ({time.time() - start:.0f} s)')
    seconds = time.time() - start
    test_acc = accuracy(model, xte, yte, flat)
    log(f'{name}: float test accuracy {test_acc:.4f} ({round(test_acc * 10000)}/10000), '
        f'{epochs} epochs, {seconds:.0f} s training, {sum(p.numel() for p in model.parameters())} parameters')
    return test_acc, seconds


def export(model, shape, path):
    model.eval()
    tmp = path + '.tmp'
    torch.onnx.export(model, torch.zeros(shape), tmp, opset_version=13, input_names=['input'],
                      output_names=['logits'], do_constant_folding=True)
    import onnx
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    allowed = {'Conv', 'Relu', 'MaxPool', 'AveragePool', 'Flatten', 'Reshape', 'Gemm', 'MatMul', 'Add'}
    if not set(ops) <= allowed:
        sys.exit(f'{path}: exported ops {ops} include some the int8 import does not support')
    os.replace(tmp, path)
    return ops


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset-dir', default=DATASET_DIR)
    ap.add_argument('--out-dir', default=os.path.join(os.path.dirname(__file__), '..', 'examples', 'models'))
    ap.add_argument('--mlp-epochs', type=int, default=10)
    ap.add_argument('--cnn-epochs', type=int, default=8)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--only', choices=['mlp', 'cnn'])
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    np.random.seed(SEED)

    def log(msg):
        print(msg, flush=True)

    log(f'torch {torch.__version__}, {args.threads} thread(s), seed {SEED}')
    data = (load('train', args.dataset_dir), load('test', args.dataset_dir))
    os.makedirs(args.out_dir, exist_ok=True)
    if args.only in (None, 'mlp'):
        torch.manual_seed(SEED)
        mlp = MLP()
        train('mlp', mlp, True, args.mlp_epochs, data, log)
        ops = export(mlp, (1, 784), os.path.join(args.out_dir, 'fashion-mlp.onnx'))
        log(f'mlp: exported ops {ops}')
    if args.only in (None, 'cnn'):
        torch.manual_seed(SEED)
        cnn = CNN()
        train('cnn', cnn, False, args.cnn_epochs, data, log)
        ops = export(cnn, (1, 1, 28, 28), os.path.join(args.out_dir, 'fashion-cnn.onnx'))
        log(f'cnn: exported ops {ops}')


if __name__ == '__main__':
    main()
