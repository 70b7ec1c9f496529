"""fp32 vs bf16 CPU time of the original Res2Net-50 backbone forward (1x3x352x352, eval, no_grad).

    /work/venv/bin/python bench/python/bf16_ab.py [--threads 1] [--runs 2]

CPU seconds of this process (time.process_time), so a busy machine changes little. On a CPU without AVX-512
BF16 / AMX (torch.backends.cpu.get_cpu_capability() says AVX2), bf16 convolutions are emulated.
"""
import argparse
import time

import torch

from infnet_reference import Inf_Net


def cpu_time(fn, runs):
    best = None
    for _ in range(runs):
        t = time.process_time()
        fn()
        dt = time.process_time() - t
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--runs', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = Inf_Net().eval().resnet
    x = torch.randn(1, 3, 352, 352)

    def fwd(m, inp):
        y = m.conv1(inp); y = m.bn1(y); y = m.relu(y); y = m.maxpool(y)
        return m.layer4(m.layer3(m.layer2(m.layer1(y))))

    with torch.no_grad():
        ref = fwd(net, x)
        t32 = cpu_time(lambda: fwd(net, x), args.runs)
        net16 = net.to(torch.bfloat16)
        x16 = x.to(torch.bfloat16)
        out16 = fwd(net16, x16).float()
        t16 = cpu_time(lambda: fwd(net16, x16), args.runs)
    rel = ((out16 - ref).abs().max() / ref.abs().max()).item()
    print(f'torch {torch.__version__}, cpu capability {torch.backends.cpu.get_cpu_capability()}, '
          f'{torch.get_num_threads()} thread(s)')
    print(f'Res2Net-50 backbone 1x3x352x352: fp32 {t32 * 1e3:.0f} ms CPU, bf16 {t16 * 1e3:.0f} ms CPU '
          f'(bf16/fp32 {t16 / t32:.2f}); max |diff| / max |out| {rel:.3f}')


if __name__ == '__main__':
    main()
