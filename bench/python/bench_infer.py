"""CPU timing of the ORIGINAL Inf-Net (infnet_reference.py): inference and one training step.

    /work/venv/bin/python bench/python/bench_infer.py [--threads 2] [--runs 20] [--batches 1,4] [--train-steps 4]

Headline numbers are also printed as `figure,KEY,VALUE` lines with the keys of `java -jar Inf_Net-bench.jar bench`
(infer_ms_b1.infnet-res2net50, infer_ms_best..., train_img_per_s.infnet-res2net50.SIDE, ...multiscale), which
bench/run_all.sh joins into the Java/Python table. Java's inference figure times the whole predictor path
(resize to 352, encode, network, resize back); this one times the network alone, so the ratio favours Python.

* Inference: random init, eval mode, no_grad, 1x3x352x352 at batch 1 and 4; warm-up, then the median of
  --runs timed forwards; reported as ms per run and ms per slice.
* Training: train mode, Adam(lr 1e-4), the original loss (joint_loss on maps 5,4,3,2 + BCE-with-logits on
  the edge map), element-wise gradient clamp to [-0.5, 0.5], batch 4 at 256/352/448 (the original's
  multi-scale 0.75/1/1.25 x 352; the 352 batch is resized with bilinear align_corners=True as in the
  original). One warm-up step, then the median over --train-steps steps -> images/s.
* MACs: forward hooks count conv / linear multiply-adds (out elements x in_ch/groups x kh x kw).

The loss copies MyTrain_LungInf.py's joint_loss including its quirk: F.binary_cross_entropy_with_logits(
pred, mask, reduce='none') is the deprecated *legacy* argument, a truthy string -> reduction='mean', so
"wbce" is the plain mean BCE over the whole batch, not a per-pixel weighted BCE (--loss weighted gives the
per-pixel weighted form described in the paper). Timing is the same either way.
Developer tool only; the machine may be shared, so the load average is printed next to the numbers.
"""
import argparse
import os
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from infnet_reference import Inf_Net


def loadavg():
    try:
        return '%.2f %.2f %.2f' % os.getloadavg()
    except OSError:
        return 'n/a'


def count_macs(model, x):
    """Multiply-adds of conv and linear layers in one forward of x (hooks)."""
    total = {'conv': 0, 'linear': 0}

    def conv_hook(m, inp, out):
        kh, kw = m.kernel_size
        total['conv'] += out.numel() * (m.in_channels // m.groups) * kh * kw

    def lin_hook(m, inp, out):
        total['linear'] += out.numel() * m.in_features

    hs = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hs.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hs.append(m.register_forward_hook(lin_hook))
    with torch.no_grad():
        model(x)
    for h in hs:
        h.remove()
    return total['conv'] + total['linear']


def joint_loss(pred, mask, weighted_bce=False):
    weit = 1 + 5 * torch.abs(F.avg_pool2d(mask, kernel_size=31, stride=1, padding=15) - mask)
    if weighted_bce:
        wbce = F.binary_cross_entropy_with_logits(pred, mask, reduction='none')
    else:  # what reduce='none' really does in the original: a scalar mean
        wbce = F.binary_cross_entropy_with_logits(pred, mask, reduction='mean')
    wbce = (weit * wbce).sum(dim=(2, 3)) / weit.sum(dim=(2, 3))
    pred = torch.sigmoid(pred)
    inter = ((pred * mask) * weit).sum(dim=(2, 3))
    union = ((pred + mask) * weit).sum(dim=(2, 3))
    wiou = 1 - (inter + 1) / (union - inter + 1)
    return (wbce + wiou).mean()


def synthetic_batch(batch, size, gen):
    """Image-like input plus a blobby binary mask and its edge map."""
    img = torch.randn(batch, 3, size, size, generator=gen)
    low = torch.randn(batch, 1, size // 32, size // 32, generator=gen)
    mask = (F.interpolate(low, size=(size, size), mode='bilinear', align_corners=False) > 0.5).float()
    edge = (F.max_pool2d(mask, 3, 1, 1) - (-F.max_pool2d(-mask, 3, 1, 1))).clamp(0, 1)
    return img, mask, edge


def bench_inference(model, batch, runs, warmup, cpu=None):
    """Wall times of `runs` forwards; the calling thread's CPU times go to `cpu` (a list) when given (with
    --threads 1 that is all of the work, a figure that other load on the machine hardly changes)."""
    x = torch.randn(batch, 3, 352, 352)
    times = []
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        for _ in range(runs):
            c = time.thread_time()
            t = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t)
            if cpu is not None:
                cpu.append(time.thread_time() - c)
    return times


def bench_train(model, size, batch, steps, weighted_bce, gen):
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    bce = nn.BCEWithLogitsLoss()
    img352, gt352, edge352 = synthetic_batch(batch, 352, gen)
    times, losses = [], []
    for step in range(steps + 1):  # step 0 = warm-up
        t = time.perf_counter()
        opt.zero_grad()
        if size != 352:
            images = F.interpolate(img352, size=(size, size), mode='bilinear', align_corners=True)
            gts = F.interpolate(gt352, size=(size, size), mode='bilinear', align_corners=True)
            edges = F.interpolate(edge352, size=(size, size), mode='bilinear', align_corners=True)
        else:
            images, gts, edges = img352, gt352, edge352
        m5, m4, m3, m2, me = model(images)
        loss = (bce(me, edges) + joint_loss(m2, gts, weighted_bce) + joint_loss(m3, gts, weighted_bce)
                + joint_loss(m4, gts, weighted_bce) + joint_loss(m5, gts, weighted_bce))
        loss.backward()
        for group in opt.param_groups:  # clip_gradient(optimizer, 0.5) of the original
            for p in group['params']:
                if p.grad is not None:
                    p.grad.data.clamp_(-0.5, 0.5)
        opt.step()
        dt = time.perf_counter() - t
        losses.append(loss.detach().item())
        if step > 0:
            times.append(dt)
    model.eval()
    return times, losses


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--runs', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--batches', default='1,4', help='inference batch sizes')
    ap.add_argument('--skip-infer', action='store_true')
    ap.add_argument('--train-steps', type=int, default=4)
    ap.add_argument('--train-batch', type=int, default=4)
    ap.add_argument('--scales', default='256,352,448')
    ap.add_argument('--loss', choices=('original', 'weighted'), default='original')
    ap.add_argument('--skip-train', action='store_true')
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, inter-op '
          f'{torch.get_num_interop_threads()}, OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS")}, '
          f'cpu capability {torch.backends.cpu.get_cpu_capability()}, {platform.processor() or platform.machine()}, '
          f'{os.cpu_count()} cpus, loadavg {loadavg()}')
    arch = 'infnet-res2net50'
    figures = []
    model = Inf_Net().eval()
    n_params = sum(p.numel() for p in model.parameters())
    n_fc = sum(p.numel() for p in model.resnet.fc.parameters())
    print(f'Inf-Net parameters: {n_params:,} ({n_params - n_fc:,} without the unused resnet.fc)')

    for s in (256, 352, 448):
        macs = count_macs(model, torch.zeros(1, 3, s, s))
        print(f'MACs (conv, forward, batch 1) at {s}x{s}: {macs / 1e9:.2f} G')

    if not args.skip_infer:
        print(f'\n-- inference, eval, no_grad, 352x352, warm-up {args.warmup}, median of {args.runs} --')
        best = None
        for batch in (int(b) for b in args.batches.split(',')):
            cpu = []
            t = bench_inference(model, batch, args.runs, args.warmup, cpu)
            med = statistics.median(t)
            per_slice = med * 1e3 / batch
            print(f'batch {batch}: median {med * 1e3:8.1f} ms/run = {per_slice:7.1f} ms/slice '
                  f'(min {min(t) * 1e3 / batch:.1f}, max {max(t) * 1e3 / batch:.1f} ms/slice; median thread CPU '
                  f'{statistics.median(cpu) * 1e3 / batch:.1f} ms/slice)  loadavg {loadavg()}')
            if batch == 1:
                figures.append(f'figure,infer_ms_b1.{arch},{per_slice:.4g}')
            if best is None or per_slice < best[0]:
                best = (per_slice, batch)
        figures.append(f'figure,infer_ms_best.{arch},{best[0]:.4g},batch {best[1]}')

    if not args.skip_train:
        gen = torch.Generator().manual_seed(1)
        print(f'\n-- training step (Adam 1e-4, {args.loss} joint loss x4 + edge BCE, grad clamp 0.5), '
              f'batch {args.train_batch}, median of {args.train_steps} after 1 warm-up --')
        total = 0.0
        for s in (int(v) for v in args.scales.split(',')):
            t, losses = bench_train(model, s, args.train_batch, args.train_steps, args.loss == 'weighted', gen)
            med = statistics.median(t)
            total += med
            figures.append(f'figure,train_img_per_s.{arch}.{s},{args.train_batch / med:.4g}')
            print(f'{s}x{s}: median {med:6.2f} s/step = {args.train_batch / med:5.2f} images/s '
                  f'(min {min(t):.2f}, max {max(t):.2f} s; loss {losses[0]:.3f} -> {losses[-1]:.3f})  '
                  f'loadavg {loadavg()}')
        print(f'one multi-scale iteration ({len(args.scales.split(","))} steps) of batch {args.train_batch}: {total:.2f} s '
              f'= {args.train_batch / total:.2f} source images/s')
        figures.append(f'figure,train_img_per_s.{arch}.multiscale,{args.train_batch / total:.4g}')
    for f in figures:
        print(f)


if __name__ == '__main__':
    main()
