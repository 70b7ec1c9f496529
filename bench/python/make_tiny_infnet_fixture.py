#!/usr/bin/env python3
"""Writes the fixture of ConfigurableImportTest to src/test/resources/tiny-infnet/: a narrow Inf-Net of a
non-preset shape (2-block layers, so the hierarchical Res2Net path and every head are covered) with random
weights saved by torch.save, its model.json template, a 64x64 gray input and PyTorch's five maps on it.

Developer tool only. The Java test imports the checkpoint with `import-pytorch --arch model.json` and
compares its maps with these (same preprocessing: ImageNet mean/std on the gray value replicated to 3
channels, no resize since the input is already 64x64).

    /work/venv/bin/python bench/python/make_tiny_infnet_fixture.py [OUT_DIR]
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'gpu'))
from infnet_cfg import InfNet  # noqa: E402
from pth_roundtrip import randomise  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', 'src', 'test', 'resources', 'tiny-infnet')
CFG = dict(stemWidth=4, blocks=[2, 1, 2, 1], planes=[8, 8, 16, 16], baseWidth=26, scale=4,
           rfbChannels=4, edgeWidth=4, ra4Width=8, raWidth=4)
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    net = InfNet(CFG)
    randomise(net, 2027)
    net.eval()
    torch.save(net.state_dict(), os.path.join(OUT, 'tiny.pth'))
    g = torch.Generator().manual_seed(3)
    gray = torch.rand(64, 64, generator=g)
    gray.numpy().astype('<f4').tofile(os.path.join(OUT, 'input.f32'))
    x = (gray[None, None].expand(1, 3, 64, 64) - MEAN) / STD
    with torch.no_grad():
        maps = net(x.contiguous())
    np.concatenate([m.numpy().astype('<f4').ravel() for m in maps]).tofile(os.path.join(OUT, 'maps.f32'))
    desc = {
        'format': 'infnet-fiji-model/1', 'name': 'tiny-infnet',
        'network': {'architecture': 'infnet-tiny-test',
                    'backbone': {k: CFG[k] for k in ('stemWidth', 'blocks', 'planes', 'baseWidth', 'scale')},
                    **{k: CFG[k] for k in ('rfbChannels', 'edgeWidth', 'ra4Width', 'raWidth')}},
        'inputSize': 64,
        'normalisation': {'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225]},
        'input': 'test fixture', 'outputs': 'five logit maps', 'weights': 'model.safetensors',
    }
    json.dump(desc, open(os.path.join(OUT, 'model.json'), 'w'), indent=1)
    print('wrote', OUT, sum(p.numel() for p in net.parameters()), 'parameters')


if __name__ == '__main__':
    main()
