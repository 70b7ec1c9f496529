#!/usr/bin/env python3
"""Evidence for `import-pytorch`: a full-size original Inf-Net with random weights, saved by torch.save,
and PyTorch's five output maps for a real CT slice.

Builds Inf_Net from infnet_reference.py, randomises every state-dict tensor (weights, biases, BN affine
and running statistics, num_batches_tracked), saves it as DataParallel-style {'epoch', 'state_dict':
{'module.' + key: ...}} (as the original training scripts may), and runs it in eval mode on the slice
preprocessed exactly as the Java InputEncoder path does: gray in [0,1] -> bilinear resize to 352
(align_corners=False, no antialias, = org.infnet.io.Resampling) -> replicate to 3 channels -> ImageNet
mean/std. Writes to OUT (default /tmp/pth_roundtrip):
    infnet_random.pth    the checkpoint (~130 MB; not committed)
    infnet_random_legacy.pth  with --legacy: the same weights, plain state dict, legacy (non-zip) format
    slice.f32            the decoded gray slice in [0,1] at its own size (little-endian float32, row-major)
    maps.f32             the five maps (map5, map4, map3, map2, edge), each 352x352
    info.json            slice size, source image, checkpoint SHA-256
Developer tool only.

    OMP_NUM_THREADS=1 nice -n 19 /work/venv/bin/python bench/python/pth_roundtrip.py [--out DIR]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from infnet_reference import Inf_Net
import sys as _sys
_sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'gpu'))
from infnet_cfg import CONFIGS, InfNet  # noqa: E402

IMGS = '/work/shared/covid-semiseg/TrainingSet/LungInfection-Train/Doctor-label/Imgs'
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith('num_batches_tracked'):
                t.fill_(int(torch.randint(1, 10000, (1,), generator=g)))
                continue
            u = torch.rand(t.shape, generator=g, dtype=torch.float64) * 2 - 1
            if name.endswith('running_mean'):
                v = 0.1 * u
            elif name.endswith('running_var'):
                v = 1 + 0.5 * u
            elif name.endswith('bias'):
                v = 0.1 * u
            elif t.dim() >= 2:
                v = u * (3.0 / (t[0].numel())) ** 0.5
            else:
                v = 1 + 0.1 * u
            t.copy_(v.to(t.dtype))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='/tmp/pth_roundtrip')
    ap.add_argument('--seed', type=int, default=2026)
    ap.add_argument('--weights', help='a state dict to use instead of random weights (e.g. a trained model)')
    ap.add_argument('--arch', default='infnet-res2net50',
                    help='a gpu/infnet_cfg.py CONFIGS name (import it with --arch <that model.json or preset>)')
    ap.add_argument('--legacy', action='store_true',
                    help='also write infnet_random_legacy.pth in the pre-1.6 (non-zip) format, same weights')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)

    model = Inf_Net() if a.arch == 'infnet-res2net50' else InfNet(CONFIGS[a.arch])
    if a.weights:
        model.load_state_dict(torch.load(a.weights, map_location='cpu'))
    else:
        randomise(model, a.seed)
    model.eval()
    ckpt = os.path.join(a.out, 'infnet_random.pth')
    torch.save({'epoch': 100, 'state_dict': {'module.' + k: v for k, v in model.state_dict().items()}}, ckpt)
    sha = hashlib.sha256(open(ckpt, 'rb').read()).hexdigest()
    if a.legacy:
        torch.save(model.state_dict(), os.path.join(a.out, 'infnet_random_legacy.pth'),
                   _use_new_zipfile_serialization=False)

    first = sorted(os.listdir(IMGS))[0]
    img = Image.open(os.path.join(IMGS, first)).convert('L')
    gray = np.asarray(img, dtype=np.float32) / 255.0
    h, w = gray.shape
    gray.astype('<f4').tofile(os.path.join(a.out, 'slice.f32'))

    x = torch.from_numpy(gray)[None, None]
    x = F.interpolate(x, size=(352, 352), mode='bilinear', align_corners=False)
    x = x.expand(1, 3, 352, 352)
    x = (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    with torch.no_grad():
        maps = model(x.contiguous())
    np.concatenate([m.numpy().astype('<f4').ravel() for m in maps]).tofile(os.path.join(a.out, 'maps.f32'))
    info = {'image': os.path.join(IMGS, first), 'width': w, 'height': h, 'sha256': sha,
            'maps': ['map5', 'map4', 'map3', 'map2', 'edge'],
            'ranges': [[float(m.min()), float(m.max())] for m in maps]}
    json.dump(info, open(os.path.join(a.out, 'info.json'), 'w'), indent=1)
    print(json.dumps(info))


if __name__ == '__main__':
    main()
