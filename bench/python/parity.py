"""Numerical parity of infnet_reference.py against the oracle in /work/shared/reference/parity/.

Fills every state-dict tensor with the closed formula of PARITY.md, feeds the closed-formula inputs,
runs Inf-Net and the multi-class U-Net in eval mode and compares to the stored .f32 outputs.

    /work/venv/bin/python bench/python/parity.py                 # check, exit code 1 on failure
    /work/venv/bin/python bench/python/parity.py --dump DIR      # + write intermediate activations

Dump format: one little-endian float32 raw file per tensor (C order) named <name>.f32, plus shapes.json
({name: {"file", "shape", "mean", "std", "min", "max"}}). Developer tool only.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from infnet_reference import INFNET_TSV, UNET_TSV, Inf_Net, UNet, check_against_tsv, read_tsv

PARITY_DIR = '/work/shared/reference/parity'
TOL = 1e-3
MASK32 = np.int64(0xFFFFFFFF)


def formula_values(k, n):
    """s in [-1, 1) for flat indices 0..n-1 of row k (float64), vectorised int64 hash."""
    i = np.arange(n, dtype=np.int64)
    # i < 2^31 so i * 2654435761 < 2^63: no int64 overflow.
    h = (i * np.int64(2654435761) + np.int64(k * 40503 + 12345)) & MASK32
    h ^= h >> 16
    h = (h * np.int64(0x45d9f3b)) & MASK32     # h < 2^32, 0x45d9f3b < 2^27: fits
    h ^= h >> 16
    return 2.0 * (h.astype(np.float64) / 4294967296.0) - 1.0


def formula_tensor(k, name, shape):
    n = int(np.prod(shape)) if shape else 1
    s = formula_values(k, n)
    leaf = name.rsplit('.', 1)[-1]
    if leaf == 'running_mean':
        v = 0.1 * s
    elif leaf == 'running_var':
        v = 1.0 + 0.5 * s
    elif leaf == 'bias':
        v = 0.1 * s
    elif leaf == 'weight' and len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        v = np.sqrt(3.0 / fan_in) * s
    elif leaf == 'weight' and len(shape) == 1:
        v = 1.0 + 0.1 * s
    else:
        raise ValueError(f'row {k} {name}: no formula')
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def fill_model(model, tsv):
    """Fill every state-dict tensor by the PARITY.md formula (k = row index in tsv file order)."""
    check_against_tsv(model, tsv)
    sd = model.state_dict()
    new = {}
    for k, (name, shape) in enumerate(read_tsv(tsv)):
        if name.endswith('num_batches_tracked'):
            new[name] = sd[name]          # counts for k, not filled
            continue
        new[name] = formula_tensor(k, name, shape)
    model.load_state_dict(new, strict=True)
    return model.eval()


def formula_input(channels, phase):
    c = np.arange(channels, dtype=np.float64)[:, None, None]
    y = np.arange(352, dtype=np.float64)[None, :, None]
    x = np.arange(352, dtype=np.float64)[None, None, :]
    v = np.sin(0.031 * x + 0.017 * y + 1.3 * c + phase)
    return torch.from_numpy(v.astype(np.float32)[None])


def load_f32(name, shape):
    a = np.fromfile(os.path.join(PARITY_DIR, name + '.f32'), dtype='<f4')
    return a.reshape(shape)


def write_dump(out_dir, tensors):
    os.makedirs(out_dir, exist_ok=True)
    meta = {}
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
        fn = name + '.f32'
        a.tofile(os.path.join(out_dir, fn))
        meta[name] = {'file': fn, 'shape': list(a.shape), 'mean': float(a.mean()), 'std': float(a.std()),
                      'min': float(a.min()), 'max': float(a.max())}
    with open(os.path.join(out_dir, 'shapes.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--dump', metavar='DIR', help='write intermediate activations of the Inf-Net parity pass')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--skip-unet', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    expected = json.load(open(os.path.join(PARITY_DIR, 'outputs.json')))
    results = {}

    t0 = time.perf_counter()
    net = fill_model(Inf_Net(), INFNET_TSV)
    t1 = time.perf_counter()
    x = formula_input(3, 0.0)
    taps = {} if args.dump else None
    with torch.no_grad():
        outs = net(x, taps=taps)
    t2 = time.perf_counter()
    print(f'Inf-Net: fill {t1 - t0:.2f} s, forward {t2 - t1:.2f} s')
    for name, o in zip(('infnet_map5', 'infnet_map4', 'infnet_map3', 'infnet_map2', 'infnet_edge'), outs):
        results[name] = o.numpy()

    if not args.skip_unet:
        t0 = time.perf_counter()
        unet = fill_model(UNet(6, 3, bilinear=True), UNET_TSV)
        t1 = time.perf_counter()
        with torch.no_grad():
            results['unet_logits'] = unet(formula_input(6, 0.5)).numpy()
        print(f'U-Net:   fill {time.perf_counter() - t0:.2f} s, forward {time.perf_counter() - t1:.2f} s')

    ok = True
    print(f'{"output":<13} {"shape":<16} {"max|diff|":>11} {"mean|diff|":>11}  ref range')
    for name, got in results.items():
        e = expected[name]
        ref = load_f32(name, tuple(e['shape']))
        d = np.abs(got.astype(np.float64) - ref.astype(np.float64))
        good = got.shape == ref.shape and d.max() < TOL
        ok &= bool(good)
        print(f'{name:<13} {str(tuple(got.shape)):<16} {d.max():11.3e} {d.mean():11.3e}  '
              f'[{e["min"]:.3f}, {e["max"]:.3f}]  {"OK" if good else "FAIL"}')

    if args.dump:
        taps['input'] = x
        for name, o in zip(('map5', 'map4', 'map3', 'map2', 'edge'), outs):
            taps['out_' + name] = o
        order = ['input', 'stem', 'layer1_0', 'x1', 'x2', 'x3', 'x4', 'x2_rfb', 'x3_rfb', 'x4_rfb',
                 'ra5_feat', 'edge_guidance', 'lateral_edge', 'crop_4', 'ra4_x', 'ra3_x', 'ra2_x',
                 'out_map5', 'out_map4', 'out_map3', 'out_map2', 'out_edge']
        meta = write_dump(args.dump, {k: taps[k] for k in order})
        print(f'dumped {len(meta)} tensors to {args.dump}:')
        for k, m in meta.items():
            print(f'  {m["file"]:<20} {"x".join(map(str, m["shape"])):<16} mean {m["mean"]: .5f} '
                  f'std {m["std"]:.5f}')

    print('PARITY OK' if ok else 'PARITY FAILED')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
