"""5-fold CV of GGO / consolidation heads on the frozen infection network (developer tool, CPU is enough).

Issue 17 asks for "one network with infection, GGO and consolidation heads sharing the backbone". This measures
the cheapest form of it before anything enters the product: the bundled infection network stays frozen (its
infection output is unchanged), and a small convolutional head reads the network's own features (the
reverse-attention branch at 1/8, the edge branch and layer 1 at 1/4) and outputs two logit corrections that are
added to the infection logit (map 2): GGO = map2 + a, consolidation = map2 + b (the prior-skip idea, but from the
network's features instead of a second U-Net on the image). Only the head is trained, on each fold's 40
multi-class slices; the features of the training slices (and of --copies randomly warped copies of each) are
computed once, so a fold trains in seconds.

  python bench/python/gpu/multihead_cv.py --weights models/infnet-compact/model.safetensors \
      --blob /tmp/infnet-cpu-data.pt [--copies 7 --steps 600 --width 32 --feats ra,edge,x1 --out DIR]

Prints GGO and consolidation meanDic per fold and mean +- sd (toolbox port of train_gpu.py: logits resized to the
slice, sigmoid, per-slice min-max, 256 thresholds), and the same for the infection map used as both class maps.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from infnet_cfg import CONFIGS, InfNet, _up  # noqa: E402
from train_gpu import augment, cosine, load_weights, mean_dice, normalise, resize, structure_loss  # noqa: E402


@torch.no_grad()
def features(net, x):
    """map 2 logit (N,1,352,352) and the head's inputs at 1/4: the last hidden layer of the ra2 branch (1/8,
    upsampled x2), the edge features e and layer 1 (both 1/4). Same computation as InfNet.forward."""
    r = net.resnet
    h = r.maxpool(r.relu(r.bn1(r.conv1(x))))
    x1 = r.layer1(h)
    x2 = r.layer2(x1)
    x3 = r.layer3(x2)
    x4 = r.layer4(x3)
    ra5 = net.ParDec(net.rfb4_1(x4), net.rfb3_1(x3), net.rfb2_1(x2))
    e = net.edge_conv3(net.edge_conv2(net.edge_conv1(x1)))
    crop_4 = _up(ra5, 0.25)
    t = (1 - torch.sigmoid(crop_4)) * x4
    t = torch.cat((net.ra4_conv1(t), _up(e, 1 / 8)), 1)
    t = F.relu(net.ra4_conv4(F.relu(net.ra4_conv3(F.relu(net.ra4_conv2(t))))))
    s4 = net.ra4_conv5(t) + crop_4
    crop_3 = _up(s4, 2)
    t = (1 - torch.sigmoid(crop_3)) * x3
    t = torch.cat((net.ra3_conv1(t), _up(e, 1 / 4)), 1)
    t = F.relu(net.ra3_conv3(F.relu(net.ra3_conv2(t))))
    s3 = net.ra3_conv4(t) + crop_3
    crop_2 = _up(s3, 2)
    t = (1 - torch.sigmoid(crop_2)) * x2
    t = torch.cat((net.ra2_conv1(t), _up(e, 1 / 2)), 1)
    ra = F.relu(net.ra2_conv3(F.relu(net.ra2_conv2(t))))
    s2 = net.ra2_conv4(ra) + crop_2
    return _up(s2, 8), dict(ra=_up(ra, 2), edge=e, x1=x1, s2=_up(s2, 2))


class Head(nn.Module):
    """Two logit corrections at 1/4 resolution from the chosen features; upsampled x4 (bilinear) and added to map 2."""

    def __init__(self, cin, width, nout=2):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, nout, 1))

    def forward(self, f, map2):
        return map2 + _up(self.body(f), 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', default='models/infnet-compact/model.safetensors')
    ap.add_argument('--arch', default='infnet-compact')
    ap.add_argument('--blob', default='/tmp/infnet-cpu-data.pt')
    ap.add_argument('--folds', default=os.path.join(HERE, '..', '..', 'cv', 'folds.json'))
    ap.add_argument('--feats', default='ra,edge,x1,s2')
    ap.add_argument('--copies', type=int, default=7, help='randomly warped copies of each training slice')
    ap.add_argument('--aug', type=float, default=1.0)
    ap.add_argument('--width', type=int, default=32)
    ap.add_argument('--steps', type=int, default=600)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--wd', type=float, default=1e-4)
    ap.add_argument('--dice', type=float, default=1.0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--target', default='classes', choices=['classes', 'infection'],
                    help='classes: GGO + consolidation heads on the multi-class labels; infection: one correction '
                         'of the infection map trained on the doctors\' infection masks (structure loss)')
    ap.add_argument('--out', help='folder for the out-of-fold maps (NAME_ggo.png, NAME_con.png) and scores.json')
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    blob = torch.load(a.blob, weights_only=False)
    folds = json.load(open(a.folds))['folds']
    names = blob['doc_names']
    net = InfNet(CONFIGS[a.arch])
    net.load_state_dict(load_weights(a.weights))
    net.eval()
    keys = a.feats.split(',')
    t0 = time.time()

    img352 = blob['doc'][0].float() / 255  # (50,1,352,352)
    onehot = []
    for i in range(len(names)):
        lab = torch.from_numpy(blob['mc_gt'][i]).long()
        oh = F.one_hot(lab, 3).permute(2, 0, 1)[None].float()
        onehot.append(F.interpolate(oh, size=(352, 352), mode='nearest'))
    onehot = torch.cat(onehot)
    if a.target == 'infection':  # channel 1 = the doctors' infection mask (channel 0 unused)
        inf = blob['doc'][1].float() / 255
        onehot = torch.cat([1 - inf, inf], 1)

    def feats_of(x01):
        out_m, out_f = [], []
        for j in range(0, x01.shape[0], 8):
            m2, fd = features(net, normalise(x01[j:j + 8]))
            out_m.append(m2)
            out_f.append(torch.cat([fd[k] for k in keys], 1))
        return torch.cat(out_m), torch.cat(out_f)

    # clean features of every slice (validation), and warped copies (training)
    clean_m, clean_f = feats_of(img352)
    aug_x, aug_y = [img352], [onehot]
    for _ in range(a.copies):
        x, (y,) = augment(img352, [onehot], gen, a.aug)
        if a.target == 'classes':
            y = (y > 0.5).float()
            y[:, 0] = 1 - y[:, 1:].amax(1)
        aug_x.append(x)
        aug_y.append(y)
    aug_m, aug_f = [clean_m], [clean_f]
    for x in aug_x[1:]:
        m, f = feats_of(x)
        aug_m.append(m)
        aug_f.append(f)
    print(f'features of {len(names)} x {1 + a.copies} slices ({aug_f[0].shape[1]} channels) in {time.time() - t0:.0f} s',
          flush=True)
    copies = 1 + a.copies

    per_fold, per_fold_prior = [], []
    scores = {}
    if a.out:
        os.makedirs(a.out, exist_ok=True)
    for fi, held in enumerate(folds):
        tr = [i for i, n in enumerate(names) if n not in held]
        F_tr = torch.cat([aug_f[c][tr] for c in range(copies)])
        M_tr = torch.cat([aug_m[c][tr] for c in range(copies)])
        Y_tr = torch.cat([aug_y[c][tr] for c in range(copies)])[:, 1:]
        nout = 2 if a.target == 'classes' else 1
        head = Head(F_tr.shape[1], a.width, nout)
        opt = torch.optim.Adam(head.parameters(), lr=a.lr, weight_decay=a.wd)
        n = F_tr.shape[0]
        for step in range(a.steps):
            for g in opt.param_groups:
                g['lr'] = cosine(step / a.steps, a.lr)
            idx = torch.randint(n, (a.batch,), generator=gen)
            logits = head(F_tr[idx], M_tr[idx])
            y = Y_tr[idx]
            if a.target == 'infection':
                loss = structure_loss(logits, y)
            else:
                loss = F.binary_cross_entropy_with_logits(logits, y)
            if a.dice > 0 and a.target == 'classes':
                pr = torch.sigmoid(logits)
                inter = (pr * y).sum((0, 2, 3))
                den = pr.sum((0, 2, 3)) + y.sum((0, 2, 3))
                loss = loss + a.dice * (1 - (2 * inter + 1) / (den + 1)).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        head.eval()
        fs, ps = [], []
        with torch.no_grad():
            for nme in held:
                i = names.index(nme)
                im, lab = blob['doc_native'][i][0], blob['mc_gt'][i]
                lg = head(clean_f[i:i + 1], clean_m[i:i + 1])
                prob = torch.sigmoid(resize(lg, im.shape))[0].numpy()
                prior = torch.sigmoid(resize(clean_m[i:i + 1], im.shape))[0, 0].numpy()
                if a.target == 'infection':
                    gt = blob['doc_native'][i][1]
                    s = [mean_dice(prob[0], gt)] * 2
                    ps.append([mean_dice(prior, gt)] * 2)
                else:
                    s = [mean_dice(prob[c - 1], (lab == c).astype(np.uint8) * 255) for c in (1, 2)]
                    ps.append([mean_dice(prior, (lab == c).astype(np.uint8) * 255) for c in (1, 2)])
                fs.append(s)
                scores[nme] = s
                if a.out:
                    from PIL import Image
                    for c, cname in (((0, 'ggo'), (1, 'con')) if a.target == 'classes' else ((0, 'inf'),)):
                        Image.fromarray(np.clip(np.round(prob[c] * 255), 0, 255).astype(np.uint8)).save(
                            os.path.join(a.out, f'{nme}_{cname}.png'))
        per_fold.append(np.mean(fs, 0))
        per_fold_prior.append(np.mean(ps, 0))
        print(f'fold {fi}: head GGO {per_fold[-1][0]:.3f} con {per_fold[-1][1]:.3f} | prior {per_fold_prior[-1][0]:.3f} '
              f'{per_fold_prior[-1][1]:.3f} | last loss {float(loss.detach()):.3f} ({time.time() - t0:.0f} s)', flush=True)
    cnames = ('GGO', 'consolidation') if a.target == 'classes' else ('infection',)
    for label, arr in (('head', np.array(per_fold)), ('infection map as class map' if a.target == 'classes'
                                                       else 'infection map alone', np.array(per_fold_prior))):
        for c, cname in enumerate(cnames):
            print(f'{label} {cname}: ' + ' / '.join(f'{v:.3f}' for v in arr[:, c]) +
                  f'  CV {arr[:, c].mean():.3f} +- {arr[:, c].std(ddof=1):.3f}')
    if a.out:
        json.dump(dict(args=vars(a), scores=scores), open(os.path.join(a.out, 'scores.json'), 'w'), indent=1)


if __name__ == '__main__':
    main()
