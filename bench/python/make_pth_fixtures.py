#!/usr/bin/env python3
"""Writes the small torch.save fixtures of TorchCheckpointTest to src/test/resources/pth/.

Developer tool only (Python is never needed at run time). Values are exact in float16/bfloat16 so the
Java test can recompute them: v(i) = (i - n/2) * 0.125 for flat index i of a contiguous tensor of n values.

    /work/venv/bin/python bench/python/make_pth_fixtures.py [OUT_DIR]
"""
import collections
import os
import sys

import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..',
                                                         'src', 'test', 'resources', 'pth')


def ramp(*shape, dtype=torch.float32):
    n = 1
    for d in shape:
        n *= d
    return ((torch.arange(n, dtype=torch.float64) - n // 2) * 0.125).reshape(shape).to(dtype)


def small_state_dict(dtype=torch.float32):
    sd = collections.OrderedDict()
    sd['conv.weight'] = ramp(4, 3, 3, 3, dtype=dtype)
    sd['conv.bias'] = ramp(4, dtype=dtype)
    sd['bn.running_var'] = ramp(4, dtype=dtype)
    sd['bn.num_batches_tracked'] = torch.tensor(7, dtype=torch.long)
    return sd


def save(obj, name, **kw):
    path = os.path.join(OUT, name)
    torch.save(obj, path, **kw)
    print(f'{name}: {os.path.getsize(path)} bytes')
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    # a real nn.Module state dict (OrderedDict with _metadata), float32
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    with torch.no_grad():
        m[0].weight.copy_(ramp(4, 3, 3, 3))
        m[0].bias.copy_(ramp(4))
        m[1].running_var.copy_(ramp(4))
        m[1].num_batches_tracked.fill_(7)
    f32 = save(m.state_dict(), 'float32.pth')
    save(small_state_dict(torch.float16), 'float16.pth')
    save(small_state_dict(torch.bfloat16), 'bfloat16.pth')
    base = ramp(3, 4)
    save({'transposed': base.t(),                  # 4x3, stride (1, 4)
          'sliced': ramp(4, 5)[1:, 2:],             # 3x3 at storage offset 7, stride (5, 1)
          'contiguous': base}, 'views.pth')
    save(collections.OrderedDict(('module.' + k, v) for k, v in small_state_dict().items()), 'dataparallel.pth')
    save({'epoch': 12, 'optimizer': None, 'state_dict': small_state_dict()}, 'nested.pth')
    save(small_state_dict(), 'legacy.pth', _use_new_zipfile_serialization=False)
    save({'conv.weight': ramp(2), 'epoch': 3}, 'not_a_tensor.pth')       # a non-tensor entry in a state dict
    save(torch.nn.Conv2d(1, 2, 1), 'whole_module.pth')                   # torch.save(model), not model.state_dict()
    data = open(f32, 'rb').read()
    with open(os.path.join(OUT, 'truncated.pth'), 'wb') as f:
        f.write(data[: len(data) // 2])
    print('truncated.pth:', len(data) // 2, 'bytes')


if __name__ == '__main__':
    main()
