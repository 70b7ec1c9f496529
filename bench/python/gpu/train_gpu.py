"""GPU training of the bundled models with 5-fold cross-validation (developer tool; the recipe of models/).

One command runs everything inside a fixed wall-clock budget (the device machine is lent for minutes):

  phase A  Semi-Inf-Net step 4, part 1: Inf-Net trained on the 1600 published pseudo-labelled slices, one
           process per architecture (compact, medium), no doctor-labelled slice involved;
  phase B  part 2: each pretrained network fine-tuned on the doctor-labelled slices of every CV fold (40 slices,
           10 held out) and on all 50 (the shipped model), one process each; every fold model predicts its 10
           held-out slices (out-of-fold maps); the pretrained network alone is scored on the folds as well;
  phase C  multi-class U-Net (GGO / consolidation) on slice + infection prior, where the prior of every slice is
           the out-of-fold map of the best phase-B recipe (what a prior looks like on unseen data); 5 folds + all.

Outputs (in --out): cv.json (per recipe and fold: Python toolbox scores), oof/<recipe>/<name>.png (8-bit
probability maps at the slice's size, for the Java `evaluate`), <recipe>.pth state dicts of the all-data models
(names = the original's, loadable by `import-pytorch --arch <model.json>`), log lines on stdout.

  python train_gpu.py --data DIR --out DIR --budget 540            # the device run
  python train_gpu.py --data DIR --out DIR --budget 60 --smoke     # CPU check of every step (tiny sizes)

DIR holds LungInfection-Train/{Doctor-label,Pseudo-label}/{Imgs,GT} and MultiClassInfection-Train/GT; the
folds are read from bench/cv/folds.json (fixed, committed).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from infnet_cfg import CONFIGS, InfNet, unet  # noqa: E402

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
T0 = time.time()


def log(*a):
    print(f'[{time.time() - T0:7.1f}s]', *a, flush=True)


# ------------------------------------------------------------------------------------------------ data
def natural_key(s):
    base = os.path.splitext(s)[0]
    return (0, int(base), '') if base.isdigit() else (1, 0, base)


def read_gray(path):
    from PIL import Image
    with Image.open(path) as im:
        if im.mode == 'P':
            return np.array(im)  # palette indices (multi-class labels)
        return np.array(im.convert('L'))


def resize(t, size, align=False):
    """Bilinear resize, PyTorch semantics without antialiasing (= org.infnet.io.Resampling.bilinear)."""
    return F.interpolate(t, size=size, mode='bilinear', align_corners=align)


def edge_from_mask(m):
    """org.infnet.train.data.EdgeMaps.fromMask: fg = m >= 0.5; 4-neighbour boundary, both sides."""
    fg = m >= 0.5
    e = np.zeros_like(fg)
    e[:, 1:] |= fg[:, 1:] != fg[:, :-1]
    e[:, :-1] |= fg[:, :-1] != fg[:, 1:]
    e[1:, :] |= fg[1:, :] != fg[:-1, :]
    e[:-1, :] |= fg[:-1, :] != fg[1:, :]
    return e.astype(np.float32)


def load_set(root, names, gt_ext='.png', size=352, classes=False):
    """(N,1,size,size) uint8 images, (N,1,size,size) uint8 masks*255 (or labels), uint8 edges, native list."""
    imgs, masks, edges, native = [], [], [], []
    for n in names:
        im = read_gray(os.path.join(root, 'Imgs', n + '.jpg')).astype(np.float32) / 255.0
        gt = read_gray(os.path.join(root, 'GT', n + gt_ext)).astype(np.float32)
        if im.shape != gt.shape:
            raise ValueError(f'{n}: image {im.shape} vs GT {gt.shape}')
        ti = torch.from_numpy(im)[None, None]
        imgs.append((resize(ti, (size, size)) * 255).round().clamp(0, 255).to(torch.uint8))
        if classes:
            native.append((im, gt.astype(np.uint8)))
            continue
        m = gt / 255.0
        tm = torch.from_numpy(m)[None, None]
        masks.append((resize(tm, (size, size)) * 255).round().clamp(0, 255).to(torch.uint8))
        te = torch.from_numpy(edge_from_mask(m))[None, None]
        edges.append((resize(te, (size, size)) * 255).round().clamp(0, 255).to(torch.uint8))
        native.append((im, gt))
    return (torch.cat(imgs), torch.cat(masks) if masks else None, torch.cat(edges) if edges else None, native)


def prepare(args):
    """Decodes everything once into a torch file that the worker processes load."""
    lung = os.path.join(args.data, 'LungInfection-Train')
    doc_root = os.path.join(lung, 'Doctor-label')
    pse_root = os.path.join(lung, 'Pseudo-label')
    doc = sorted([os.path.splitext(f)[0] for f in os.listdir(os.path.join(doc_root, 'Imgs'))], key=natural_key)
    pse = sorted([os.path.splitext(f)[0] for f in os.listdir(os.path.join(pse_root, 'Imgs'))], key=natural_key)
    if args.smoke:
        pse = pse[:24]
    d = load_set(doc_root, doc)
    p = load_set(pse_root, pse)
    mc_gt = []
    for n in doc:
        lab = read_gray(os.path.join(args.data, 'MultiClassInfection-Train', 'GT', n + '.png'))
        if lab.max() > 2:
            raise ValueError(f'multi-class GT {n} has value {lab.max()}')
        mc_gt.append(lab.astype(np.uint8))
    blob = dict(doc_names=doc, doc=d[:3], doc_native=d[3], pse=p[:3], mc_gt=mc_gt)
    torch.save(blob, args.blob)
    log(f'data: {len(doc)} doctor slices, {len(pse)} pseudo-labelled slices -> {args.blob}')


# ------------------------------------------------------------------------------------------------ loss
def load_weights(path):
    """A state dict from a .pth file or from a project model's model.safetensors (same tensor names; the
    num_batches_tracked counters, which the Java import drops, come back as 0)."""
    if not path.endswith('.safetensors'):
        return torch.load(path, map_location='cpu')
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(8), 'little')
        head = json.loads(f.read(n))
        data = f.read()
    types = {'F32': np.float32, 'F16': np.float16, 'I64': np.int64}
    sd = {}
    for k, v in head.items():
        if k == '__metadata__':
            continue
        b, e = v['data_offsets']
        sd[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype=types[v['dtype']]).reshape(v['shape']).copy())
    for k in [k for k in sd if k.endswith('.running_mean')]:
        sd[k[:-len('running_mean')] + 'num_batches_tracked'] = torch.tensor(0)
    return sd


def structure_loss(pred, mask):
    weit = 1 + 5 * torch.abs(F.avg_pool2d(mask, kernel_size=31, stride=1, padding=15) - mask)
    wbce = F.binary_cross_entropy_with_logits(pred, mask, reduction='none')
    wbce = (weit * wbce).sum(dim=(2, 3)) / weit.sum(dim=(2, 3))
    p = torch.sigmoid(pred)
    inter = ((p * mask) * weit).sum(dim=(2, 3))
    union = ((p + mask) * weit).sum(dim=(2, 3))
    wiou = 1 - (inter + 1) / (union - inter + 1)
    return (wbce + wiou).mean()


# ------------------------------------------------------------------------------------------------ toolbox score
def mean_dice(pred, gt):
    """Paper toolbox meanDic of one slice: pred (H,W) any range, gt (H,W) 0..255 (fg > 128)."""
    p = pred.astype(np.float64)
    lo, hi = p.min(), p.max()
    p = (p - lo) / (hi - lo) if hi > lo else np.zeros_like(p)
    g = gt > 128
    lvl = np.clip(np.floor(p * 255 + 1e-9), 0, 255).astype(np.int64)  # pixel passes t_j=(255-j)/255 iff lvl>=255-j
    hf = np.bincount(lvl[g], minlength=256)
    hb = np.bincount(lvl[~g], minlength=256)
    tp = np.cumsum(hf[::-1])  # index j: pixels with level >= 255-j
    fp = np.cumsum(hb[::-1])
    ngt = g.sum()
    dice = np.where(tp > 0, 2 * tp / np.maximum(ngt + tp + fp, 1), 0.0)
    return float(dice.mean())


# ------------------------------------------------------------------------------------------------ augmentation
def augment(x, ys, gen, strength):
    """Random affine (rotation, scale, shift) of a batch on the device, the same for image and targets,
    and a random gamma/contrast of the image. strength 0 disables it."""
    if strength <= 0:
        return x, ys
    n = x.shape[0]
    dev = x.device
    ang = (torch.rand(n, generator=gen, device='cpu') * 2 - 1) * math.radians(15 * strength)
    sc = 1 + (torch.rand(n, generator=gen, device='cpu') * 2 - 1) * 0.15 * strength
    tx = (torch.rand(n, 2, generator=gen, device='cpu') * 2 - 1) * 0.06 * strength
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos, -sin, tx[:, 0]], 1), torch.stack([sin, cos, tx[:, 1]], 1)], 1).to(dev)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    ys = [F.grid_sample(y, grid, mode='bilinear', padding_mode='zeros', align_corners=False) for y in ys]
    gamma = torch.exp((torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1) * 0.25 * strength).to(dev)
    x = x.clamp(0, 1) ** gamma
    return x, ys


def normalise(x01):
    return (x01.expand(-1, 3, -1, -1) - MEAN.to(x01.device)) / STD.to(x01.device)


# ------------------------------------------------------------------------------------------------ Inf-Net worker
def cosine(progress, lr, floor=0.02, warm=0.03):
    if progress < warm:
        return lr * (0.1 + 0.9 * progress / warm)
    q = min(1.0, (progress - warm) / (1 - warm))
    return lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * q)))


def train_infnet(a):
    dev = torch.device(a.device)
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    blob = torch.load(a.blob, weights_only=False)
    folds = json.load(open(a.folds))['folds']
    names = blob['doc_names']
    held = set(folds[a.fold]) if a.fold >= 0 else set()
    if a.source == 'pseudo':
        img, msk, edg = blob['pse']
    else:
        keep = [i for i, n in enumerate(names) if n not in held]
        img, msk, edg = (t[keep] for t in blob['doc'])
    img, msk, edg = img.to(dev), msk.to(dev), edg.to(dev)
    net = InfNet(CONFIGS[a.arch])
    if a.init:
        net.load_state_dict(load_weights(a.init))
    net = net.to(dev).to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, **({'fused': True} if dev.type == 'cuda' else {}))
    amp = dict(device_type='cuda', dtype=torch.bfloat16) if dev.type == 'cuda' else dict(device_type='cpu', enabled=False)
    sizes = [256, 352, 448] if not a.smoke else [64, 96]
    last_ckpt = time.time()
    n = img.shape[0]
    t_start = time.time()
    step, epoch, seen = 0, 0, 0
    hist = []
    done = False
    while not done:
        perm = torch.randperm(n, generator=gen)
        epoch += 1
        run_loss, run_n = 0.0, 0
        for i in range(0, n - a.batch + 1 if n >= a.batch else 1, a.batch):
            idx = perm[i:i + a.batch].to(dev)
            progress = max((time.time() - t_start) / a.budget,
                           (epoch - 1 + i / n) / a.max_epochs if a.max_epochs else 0)
            if progress >= 1:
                done = True
                break
            for g in opt.param_groups:
                g['lr'] = cosine(progress, a.lr)
            x = img[idx].float() / 255
            y = msk[idx].float() / 255
            e = edg[idx].float() / 255
            x, (y, e) = augment(x, [y, e], gen, a.aug)
            s = sizes[int(torch.randint(len(sizes), (1,), generator=gen))]
            x, y, e = resize(x, (s, s), True), resize(y, (s, s), True), resize(e, (s, s), True)
            x = normalise(x).contiguous(memory_format=torch.channels_last)
            with torch.autocast(**amp):
                maps = net(x)
            loss = sum(structure_loss(m.float(), y) for m in maps[:4])
            loss = loss + F.binary_cross_entropy_with_logits(maps[4].float(), e)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            for p in net.parameters():
                if p.grad is not None:
                    p.grad.clamp_(-0.5, 0.5)
            opt.step()
            step += 1
            seen += x.shape[0]
            if a.checkpoint_minutes and time.time() - last_ckpt > 60 * a.checkpoint_minutes:
                # weights so far (a crash or the end of a session loses at most M minutes; resume with --init
                # FILE.partial and the remaining --budget: a new cosine from there)
                torch.save({k: v.detach().float().cpu() for k, v in net.state_dict().items()}, a.save + '.partial')
                json.dump(dict(epoch=epoch, step=step, samples=seen, seconds=round(time.time() - t_start, 1),
                               progress=progress), open(a.save + '.partial.json', 'w'))
                log(f'{a.tag}: checkpoint at epoch {epoch} step {step} ({seen} samples, progress {progress:.3f})')
                last_ckpt = time.time()
            run_loss += float(loss.detach()) if step % 10 == 0 else 0.0
            run_n += 1 if step % 10 == 0 else 0
        if run_n:
            hist.append((epoch, round(time.time() - t_start, 1), run_loss / run_n))
        if a.max_epochs and epoch >= a.max_epochs:
            done = True
    log(f'{a.tag}: {epoch} epochs, {step} steps, {seen} samples in {time.time() - t_start:.0f}s '
        f'({seen / max(1e-9, time.time() - t_start):.0f} samples/s), last loss {hist[-1][2] if hist else float("nan"):.3f}')
    net.eval()
    sd = {k: v.detach().float().cpu() for k, v in net.state_dict().items()}
    torch.save(sd, a.save)
    result = dict(tag=a.tag, epochs=epoch, steps=step, samples=seen, seconds=round(time.time() - t_start, 1),
                  history=hist)
    if a.fold >= 0 or a.score_all:
        result['scores'] = predict_oof(net, blob, folds, a, dev, amp)
    json.dump(result, open(a.save + '.json', 'w'))


@torch.no_grad()
def predict_infnet(net, native, dev, amp, side=352):
    """sigmoid(map 2) at the slice's own size, as the Java segmenter computes it (float32 here)."""
    out = []
    for im, _ in native:
        x = resize(torch.from_numpy(im)[None, None].to(dev), (side, side))
        x = normalise(x).contiguous(memory_format=torch.channels_last)
        m2 = net(x, all_maps=False).float()
        p = torch.sigmoid(resize(m2, im.shape))
        out.append(p[0, 0].cpu().numpy())
    return out


def predict_oof(net, blob, folds, a, dev, amp):
    """Scores (and writes 8-bit maps of) the held-out slices of the fold, or of every fold (score_all)."""
    from PIL import Image
    names = blob['doc_names']
    which = range(len(folds)) if a.score_all else [a.fold]
    scores = {}
    os.makedirs(a.oof, exist_ok=True)
    for f in which:
        idx = [names.index(n) for n in folds[f]]
        native = [blob['doc_native'][i] for i in idx]
        probs = predict_infnet(net, native, dev, amp)
        for n, p, (_, gt) in zip(folds[f], probs, native):
            scores[n] = mean_dice(p, gt)
            Image.fromarray(np.clip(np.round(p * 255), 0, 255).astype(np.uint8)).save(os.path.join(a.oof, n + '.png'))
            np.save(os.path.join(a.oof, n + '.npy'), p.astype(np.float16))
    return scores


# ------------------------------------------------------------------------------------------------ multi-class worker
def with_prior_skip(logits, prior, on):
    """--prior-skip: the lesion logits are corrections to the infection prior's logit (GGO and consolidation
    start as copies of the prior, background as its complement), so the network learns which lesion class,
    not where the lesions are, from the 40 slices of a fold."""
    if not on:
        return logits
    lp = torch.logit(prior.clamp(1e-4, 1 - 1e-4))
    return logits + torch.cat([-lp, lp, lp], 1)


def train_multiclass(a):
    dev = torch.device(a.device)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    blob = torch.load(a.blob, weights_only=False)
    folds = json.load(open(a.folds))['folds']
    names = blob['doc_names']
    side = a.side
    priors = {n: np.load(os.path.join(a.prior_dir, n + '.npy')).astype(np.float32) for n in names}
    held = set(folds[a.fold]) if a.fold >= 0 else set()
    keep = [n for n in names if n not in held]

    def tensors(ns):
        xs, ps, ys = [], [], []
        for n in ns:
            i = names.index(n)
            im, _ = blob['doc_native'][i]
            lab = blob['mc_gt'][i]
            xs.append(resize(torch.from_numpy(im)[None, None], (side, side)))
            ps.append(resize(torch.from_numpy(priors[n])[None, None], (side, side)))
            oh = F.one_hot(torch.from_numpy(lab).long(), 3).permute(2, 0, 1)[None].float()
            ys.append(F.interpolate(oh, size=(side, side), mode='nearest'))
        return torch.cat(xs).to(dev), torch.cat(ps).to(dev), torch.cat(ys).to(dev)

    x_all, p_all, y_all = tensors(keep)
    # class-balanced BCE (issue 17): positives of background / GGO / consolidation weighted by --pos-weight
    pos_weight = [float(v) for v in a.pos_weight.split(',')]
    if len(pos_weight) != 3:
        raise SystemExit(f'--pos-weight wants 3 values (background,GGO,consolidation), got {a.pos_weight}')
    pos_weight = torch.tensor(pos_weight, device=dev).view(1, 3, 1, 1)
    net = unet(a.base)
    if a.zero_head:
        # with --prior-skip the untrained network then answers the prior exactly: GGO = consolidation = prior
        torch.nn.init.zeros_(net.outc.conv.weight)
        torch.nn.init.zeros_(net.outc.conv.bias)
    net = net.to(dev).to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, weight_decay=a.wd,
                           **({'fused': True} if dev.type == 'cuda' else {}))
    amp = dict(device_type='cuda', dtype=torch.bfloat16) if dev.type == 'cuda' else dict(device_type='cpu', enabled=False)
    n = x_all.shape[0]
    t_start = time.time()
    step, epoch, done = 0, 0, False
    while not done:
        epoch += 1
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n - a.batch + 1, a.batch):
            progress = max((time.time() - t_start) / a.budget, (epoch - 1 + i / n) / a.max_epochs)
            if progress >= 1:
                done = True
                break
            for g in opt.param_groups:
                g['lr'] = cosine(progress, a.lr)
            idx = perm[i:i + a.batch].to(dev)
            x, (p, y) = augment(x_all[idx], [p_all[idx], y_all[idx]], gen, a.aug)
            y = (y > 0.5).float()
            y[:, 0] = 1 - y[:, 1:].amax(1)  # background = not a lesion after warping
            inp = torch.cat([normalise(x), normalise(p)], 1).contiguous(memory_format=torch.channels_last)
            with torch.autocast(**amp):
                logits = net(inp)
            logits = with_prior_skip(logits.float(), p, a.prior_skip)
            loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight)
            if a.dice > 0:
                pr = torch.sigmoid(logits[:, 1:])
                yy = y[:, 1:]
                inter = (pr * yy).sum((0, 2, 3))
                den = pr.sum((0, 2, 3)) + yy.sum((0, 2, 3))
                loss = loss + a.dice * (1 - (2 * inter + 1) / (den + 1)).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
        if epoch >= a.max_epochs:
            done = True
    log(f'{a.tag}: {epoch} epochs, {step} steps in {time.time() - t_start:.0f}s, last loss {float(loss.detach()):.3f}')
    net.eval()
    torch.save({k: v.detach().float().cpu() for k, v in net.state_dict().items()}, a.save)
    result = dict(tag=a.tag, epochs=epoch, steps=step, seconds=round(time.time() - t_start, 1))
    if a.fold >= 0:
        from PIL import Image
        os.makedirs(a.oof, exist_ok=True)
        sc = {}
        with torch.no_grad():
            for nme in folds[a.fold]:
                i = names.index(nme)
                im, lab = blob['doc_native'][i][0], blob['mc_gt'][i]
                x = resize(torch.from_numpy(im)[None, None].to(dev), (side, side))
                p = resize(torch.from_numpy(priors[nme])[None, None].to(dev), (side, side))
                inp = torch.cat([normalise(x), normalise(p)], 1).contiguous(memory_format=torch.channels_last)
                prob = torch.sigmoid(resize(with_prior_skip(net(inp).float(), p, a.prior_skip), im.shape))[0].cpu().numpy()
                sc[nme] = [mean_dice(prob[c], (lab == c).astype(np.uint8) * 255) for c in (1, 2)]
                for c, cname in ((1, 'ggo'), (2, 'con')):
                    Image.fromarray(np.clip(np.round(prob[c] * 255), 0, 255).astype(np.uint8)).save(
                        os.path.join(a.oof, f'{nme}_{cname}.png'))
        result['scores'] = sc
    json.dump(result, open(a.save + '.json', 'w'))


# ------------------------------------------------------------------------------------------------ driver
def spawn(args, extra):
    cmd = [sys.executable, os.path.abspath(__file__), '--data', args.data, '--out', args.out, '--blob', args.blob,
           '--folds', args.folds, '--device', args.device] + (['--smoke'] if args.smoke else []) + extra
    return subprocess.Popen(cmd, env=dict(os.environ, OMP_NUM_THREADS='1'))


def wait_all(procs, deadline):
    ok = True
    for p in procs:
        try:
            p.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            ok = False
        ok = ok and p.returncode == 0
    return ok


def summarise(results, folds):
    per_fold = []
    for f, names in enumerate(folds):
        vals = [results[n] for n in names if n in results]
        per_fold.append(float(np.mean(vals)) if vals else float('nan'))
    return dict(per_fold=per_fold, mean=float(np.nanmean(per_fold)), sd=float(np.nanstd(per_fold, ddof=1)))


def driver(args):
    os.makedirs(args.out, exist_ok=True)
    work = args.work
    os.makedirs(work, exist_ok=True)
    end = T0 + args.budget
    prepare(args)
    folds = json.load(open(args.folds))['folds']
    sc = 0.1 if args.smoke else 1.0
    archs = args.archs.split(',')
    cv = {}
    # phase A: pretraining on the pseudo labels, one process per architecture
    t_a = (end - time.time()) * args.frac_a
    procs = [spawn(args, ['--worker', 'infnet', '--arch', ar, '--source', 'pseudo', '--fold', '-1', '--score-all',
                          '--budget', str(t_a - 25 * sc), '--lr', str(args.lr_pre), '--batch', str(args.batch_pre),
                          '--aug', '0.5', '--seed', '1', '--tag', f'{ar}-pseudo', '--max-epochs', str(args.pre_epochs),
                          '--save', f'{work}/{ar}-pseudo.pth', '--oof', f'{work}/oof/{ar}-pseudo'])
             for ar in archs]
    base = archs[0]
    procs += [spawn(args, ['--worker', 'infnet', '--arch', base, '--source', 'doctor', '--fold', str(f),
                           '--budget', str(t_a - 25 * sc), '--max-epochs', str(args.ft_epochs), '--lr', '1e-4',
                           '--batch', str(args.batch_ft), '--aug', '1', '--seed', str(30 + f),
                           '--tag', f'{base}-doctor-f{f}', '--save', f'{work}/{base}-doctor-f{f}.pth',
                           '--oof', f'{work}/oof/{base}-doctor']) for f in range(len(folds))]
    if not wait_all(procs, time.time() + t_a + 60):
        log('phase A failed')
    for ar in archs:
        r = json.load(open(f'{work}/{ar}-pseudo.pth.json'))
        cv[f'{ar}-pseudo'] = dict(train=r, **summarise(r['scores'], folds))
        log(f'CV {ar}-pseudo (no doctor label): {cv[f"{ar}-pseudo"]["per_fold"]} mean {cv[f"{ar}-pseudo"]["mean"]:.4f}')
    scores = {}
    for f in range(len(folds)):
        try:
            scores.update(json.load(open(f'{work}/{base}-doctor-f{f}.pth.json'))['scores'])
        except OSError:
            log(f'missing fold {f} of {base}-doctor')
    cv[f'{base}-doctor'] = summarise(scores, folds)
    log(f'CV {base}-doctor (doctor labels only, from scratch): {cv[f"{base}-doctor"]}')
    # phase B: fine-tune on doctor labels, 5 folds + all, per architecture
    t_b = (end - time.time()) * args.frac_b
    procs = []
    for ar in archs:
        for f in list(range(len(folds))) + [-1]:
            tag = f'{ar}-semi' + (f'-f{f}' if f >= 0 else '')
            procs.append(spawn(args, ['--worker', 'infnet', '--arch', ar, '--source', 'doctor', '--fold', str(f),
                                      '--init', f'{work}/{ar}-pseudo.pth', '--budget', str(t_b - 25 * sc),
                                      '--max-epochs', str(args.ft_epochs), '--lr', str(args.lr_ft),
                                      '--batch', str(args.batch_ft), '--aug', '1', '--seed', str(10 + f),
                                      '--tag', tag, '--save', f'{work}/{tag}.pth',
                                      '--oof', f'{work}/oof/{ar}-semi']))
    wait_all(procs, time.time() + t_b + 60)
    best, best_score = None, -1
    for ar in archs:
        scores = {}
        for f in range(len(folds)):
            try:
                scores.update(json.load(open(f'{work}/{ar}-semi-f{f}.pth.json'))['scores'])
            except OSError:
                log(f'missing fold {f} of {ar}-semi')
        s = summarise(scores, folds)
        cv[f'{ar}-semi'] = s
        log(f'CV {ar}-semi: {[round(v, 4) for v in s["per_fold"]]} mean {s["mean"]:.4f} sd {s["sd"]:.4f}')
        if s['mean'] > best_score and os.path.exists(f'{work}/{ar}-semi.pth'):
            best, best_score = ar, s['mean']
        if os.path.exists(f'{work}/{ar}-semi.pth'):
            os.replace(f'{work}/{ar}-semi.pth', f'{args.out}/{ar}-semi.pth')
    json.dump(cv, open(f'{args.out}/cv.json', 'w'), indent=1)
    archive(args, work)
    log(f'best infection recipe: {best}-semi ({best_score:.4f})')
    # phase C: multi-class U-Net on out-of-fold priors of the best recipe (any complete set if none)
    prior_dir = f'{work}/oof/{best}-semi'
    if best is None:
        for r in [f'{ar}-pseudo' for ar in archs] + [f'{archs[0]}-doctor']:
            if os.path.isdir(f'{work}/oof/{r}') and len([f for f in os.listdir(f'{work}/oof/{r}') if f.endswith('.npy')]) == 50:
                prior_dir = f'{work}/oof/{r}'
                break
        best = os.path.basename(prior_dir)
    t_c = (end - time.time()) - 25 * sc
    procs = []
    for f in list(range(len(folds))) + [-1]:
        tag = f'unet{args.unet_base}' + (f'-f{f}' if f >= 0 else '')
        procs.append(spawn(args, ['--worker', 'multiclass', '--fold', str(f), '--prior-dir', prior_dir,
                                  '--budget', str(t_c - 20 * sc), '--max-epochs', str(args.mc_epochs),
                                  '--lr', str(args.lr_mc), '--batch', '8', '--aug', '1', '--seed', str(20 + f),
                                  '--base', str(args.unet_base), '--side', str(args.mc_side), '--dice', '1',
                                  '--tag', tag, '--save', f'{work}/{tag}.pth', '--oof', f'{work}/oof/{tag}']))
    wait_all(procs, end - 5)
    mc = {}
    for f in range(len(folds)):
        try:
            mc.update(json.load(open(f'{work}/unet{args.unet_base}-f{f}.pth.json'))['scores'])
        except OSError:
            log(f'missing multi-class fold {f}')
    for c, cname in ((0, 'ggo'), (1, 'consolidation')):
        s = summarise({k: v[c] for k, v in mc.items()}, folds)
        cv[f'unet{args.unet_base}-{cname}'] = s
        log(f'CV multi-class {cname}: {[round(v, 4) for v in s["per_fold"]]} mean {s["mean"]:.4f} sd {s["sd"]:.4f}')
    cv['multiclass_prior'] = os.path.basename(prior_dir)
    json.dump(cv, open(f'{args.out}/cv.json', 'w'), indent=1)
    if os.path.exists(f'{work}/unet{args.unet_base}.pth'):
        os.replace(f'{work}/unet{args.unet_base}.pth', f'{args.out}/unet{args.unet_base}.pth')
    archive(args, work)
    log('done')


def archive(args, work):
    """Out-of-fold maps (PNG) and the training logs (json), one archive in --out."""
    names = [f for f in os.listdir(work) if f.endswith('.json')]
    subprocess.run(['tar', 'czf', f'{args.out}/oof.tgz.part', '--exclude=*.npy', '-C', work, 'oof'] + names,
                   check=False)
    os.replace(f'{args.out}/oof.tgz.part', f'{args.out}/oof.tgz')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--work', default='/tmp/infnet-gpu')
    ap.add_argument('--blob', default='/tmp/infnet-gpu-data.pt')
    ap.add_argument('--folds', default=os.path.join(HERE, '..', '..', 'cv', 'folds.json'))
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--budget', type=float, default=540)
    ap.add_argument('--smoke', action='store_true')
    ap.add_argument('--archs', default='infnet-compact,infnet-medium')
    ap.add_argument('--frac-a', type=float, default=0.62)
    ap.add_argument('--frac-b', type=float, default=0.55)
    ap.add_argument('--lr-pre', type=float, default=4e-4)
    ap.add_argument('--batch-pre', type=int, default=16)
    ap.add_argument('--pre-epochs', type=int, default=0, help='cap on pretraining epochs (0: the time budget alone)')
    ap.add_argument('--lr-ft', type=float, default=1e-4)
    ap.add_argument('--batch-ft', type=int, default=8)
    ap.add_argument('--ft-epochs', type=int, default=100)
    ap.add_argument('--lr-mc', type=float, default=1e-3)
    ap.add_argument('--mc-epochs', type=int, default=300)
    ap.add_argument('--mc-side', type=int, default=256)
    ap.add_argument('--unet-base', type=int, default=16)
    # worker arguments
    ap.add_argument('--worker')
    ap.add_argument('--arch')
    ap.add_argument('--source')
    ap.add_argument('--fold', type=int, default=-1)
    ap.add_argument('--score-all', action='store_true')
    ap.add_argument('--init')
    ap.add_argument('--max-epochs', type=int, default=0)
    ap.add_argument('--lr', type=float)
    ap.add_argument('--batch', type=int)
    ap.add_argument('--aug', type=float, default=0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--tag')
    ap.add_argument('--save')
    ap.add_argument('--oof')
    ap.add_argument('--prior-dir')
    ap.add_argument('--base', type=int, default=16)
    ap.add_argument('--side', type=int, default=256)
    ap.add_argument('--dice', type=float, default=0)
    ap.add_argument('--zero-head', action='store_true',
                    help='multiclass: zero the 1x1 output conv (with --prior-skip: start from the prior itself)')
    ap.add_argument('--wd', type=float, default=0, help='Adam weight decay (L2)')
    ap.add_argument('--pos-weight', default='1,1,1',
                    help='multiclass: BCE weight of the positives of background,GGO,consolidation (class balance)')
    ap.add_argument('--prior-skip', action='store_true',
                    help='multiclass worker: lesion logits = network output + logit(infection prior)')
    ap.add_argument('--checkpoint-minutes', type=float, default=0,
                    help='infnet worker: save the weights so far to SAVE.partial every M minutes')
    args = ap.parse_args()
    if args.worker == 'prepare':
        prepare(args)
    elif args.worker == 'infnet':
        if args.smoke:
            args.batch = min(args.batch, 4)
        train_infnet(args)
    elif args.worker == 'multiclass':
        if args.smoke:
            args.side = 64
        train_multiclass(args)
    else:
        driver(args)


if __name__ == '__main__':
    main()
