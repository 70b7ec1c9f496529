#!/usr/bin/env python3
"""Evidence for `import-pytorch --arch multiclass-unet`: the original multi-class U-Net with random weights,
saved by torch.save, and PyTorch's logits for a real CT slice and an infection prior.

Builds UNet(6, 3, bilinear=True) from infnet_reference.py, randomises every state-dict tensor as
pth_roundtrip.py does, saves it as {'epoch', 'state_dict': {'module.' + key: ...}}, and runs it in eval
mode on: the first doctor-labelled slice (gray in [0,1]) and, as the prior, that slice's infection mask
(in [0,1]; Semi-Inf-Net's soft map in the real pipeline). Both are resized bilinearly to 352
(align_corners=False, no antialias, = org.infnet.io.Resampling), replicated to 3 channels and normalised
with ImageNet mean/std (the original applies one transform to both), then concatenated [slice, prior].
Writes to OUT (default /tmp/unet_roundtrip):
    unet_random.pth   the checkpoint (~70 MB; not committed)
    slice.f32, prior.f32   the slice and prior in [0,1] at their own size (little-endian float32)
    logits.f32        the 3 logit maps, 352x352 each
    info.json         sizes, source images, checkpoint SHA-256
Developer tool only; compare with org.infnet.model.UNetRoundTrip (test classes).

    OMP_NUM_THREADS=1 nice -n 19 /work/venv/bin/python bench/python/unet_roundtrip.py [--out DIR]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from infnet_reference import UNet
from pth_roundtrip import IMGS, MEAN, STD, randomise

GT = os.path.join(os.path.dirname(IMGS), 'GT')


def encode(gray):
    x = torch.from_numpy(gray)[None, None]
    x = F.interpolate(x, size=(352, 352), mode='bilinear', align_corners=False)
    x = x.expand(1, 3, 352, 352)
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='/tmp/unet_roundtrip')
    ap.add_argument('--seed', type=int, default=2027)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)

    model = UNet(6, 3, bilinear=True)
    randomise(model, a.seed)
    model.eval()
    ckpt = os.path.join(a.out, 'unet_random.pth')
    torch.save({'epoch': 200, 'state_dict': {'module.' + k: v for k, v in model.state_dict().items()}}, ckpt)
    sha = hashlib.sha256(open(ckpt, 'rb').read()).hexdigest()

    first = sorted(os.listdir(IMGS))[0]
    gray = np.asarray(Image.open(os.path.join(IMGS, first)).convert('L'), dtype=np.float32) / 255.0
    stem = os.path.splitext(first)[0]
    prior = np.asarray(Image.open(os.path.join(GT, stem + '.png')).convert('L'), dtype=np.float32) / 255.0
    h, w = gray.shape
    ph, pw = prior.shape
    gray.astype('<f4').tofile(os.path.join(a.out, 'slice.f32'))
    prior.astype('<f4').tofile(os.path.join(a.out, 'prior.f32'))
    x = torch.cat([encode(gray), encode(prior)], dim=1).contiguous()
    with torch.no_grad():
        logits = model(x)
    logits.numpy().astype('<f4').tofile(os.path.join(a.out, 'logits.f32'))
    info = {'image': os.path.join(IMGS, first), 'prior': os.path.join(GT, stem + '.png'), 'width': w, 'height': h,
            'prior_width': pw, 'prior_height': ph, 'sha256': sha,
            'range': [float(logits.min()), float(logits.max())]}
    json.dump(info, open(os.path.join(a.out, 'info.json'), 'w'), indent=1)
    print(json.dumps(info))


if __name__ == '__main__':
    main()
