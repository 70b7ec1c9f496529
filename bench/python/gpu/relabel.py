"""One propagation round of Semi-Inf-Net from a trained infection model (developer tool, CPU is enough).

Semi-Inf-Net (INF-NET.md section 4) labels the unlabelled slices with the current model's soft map and trains on
them. The full schedule (320 groups of 5, 9 epochs each) took 1.5 GPU-days; this is its cheapest form: the model
labels all 1600 pseudo-label slices at once, and the new soft label is a mix of that map and the published one,

    label = (1 - mix) * published + mix * sigmoid(map 2 of the model)       (raw probability, no min-max:
                                                                             a slice with little infection would
                                                                             otherwise be stretched to 1)

written to a copy of the data blob of train_gpu.py (edges unchanged: those of the published label). Training on
the new blob (`BLOB=OUT bench/cv/infnet_continue.sh ...`) is then one round of propagation; mix 1 is pure
self-training, mix 0 the published labels. The doctor-labelled slices are never read, so CV stays clean.

  python bench/python/gpu/relabel.py --weights models/infnet-compact/model.safetensors \
      --blob /tmp/infnet-cpu-data.pt --out /tmp/infnet-cpu-relabel.pt --mix 0.5
"""
import argparse
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from infnet_cfg import CONFIGS, InfNet  # noqa: E402
from train_gpu import load_weights, normalise  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', default='models/infnet-compact/model.safetensors')
    ap.add_argument('--arch', default='infnet-compact')
    ap.add_argument('--blob', default='/tmp/infnet-cpu-data.pt')
    ap.add_argument('--out', required=True)
    ap.add_argument('--mix', type=float, default=0.5)
    a = ap.parse_args()
    t0 = time.time()
    blob = torch.load(a.blob, weights_only=False)
    net = InfNet(CONFIGS[a.arch])
    net.load_state_dict(load_weights(a.weights))
    net.eval()
    img, msk, edg = blob['pse']
    new = torch.empty_like(msk)
    agree = []
    with torch.no_grad():
        for j in range(0, img.shape[0], 16):
            x = normalise(img[j:j + 16].float() / 255)
            p = torch.sigmoid(net(x, all_maps=False))
            pub = msk[j:j + 16].float() / 255
            mixed = (1 - a.mix) * pub + a.mix * p
            new[j:j + 16] = (mixed * 255).round().clamp(0, 255).to(torch.uint8)
            pb, mb = p > 0.5, pub > 0.5
            inter = (pb & mb).sum((1, 2, 3)).float()
            agree.append(2 * inter / (pb.sum((1, 2, 3)) + mb.sum((1, 2, 3))).clamp(min=1).float())
    agree = torch.cat(agree)
    blob['pse'] = (img, new, edg)
    blob['relabel'] = dict(weights=a.weights, mix=a.mix)
    torch.save(blob, a.out)
    print(f'relabelled {img.shape[0]} slices (mix {a.mix}) in {time.time() - t0:.0f} s; Dice of the model\'s 0.5 mask '
          f'against the published label: mean {agree.mean():.3f}, median {agree.median():.3f}, '
          f'below 0.5 on {int((agree < 0.5).sum())} slices -> {a.out}')


if __name__ == '__main__':
    main()
