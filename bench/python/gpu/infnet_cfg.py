"""Inf-Net with a configurable Res2Net v1b backbone and head widths, in PyTorch.

Developer tool only (GPU training of the bundled models; never used by the Java build, tests or product).
It is the original network of ../infnet_reference.py (same module names, same forward, same resizes) with
the widths of org.infnet.nn.InfNetConfig as parameters, so that its state_dict loads into the Java network
of the same config through `import-pytorch --arch <model.json>`. With CONFIGS['infnet-res2net50'] the state
dict equals the original's (checked against /work/shared/reference/infnet-res2net50-state-dict.tsv).
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from infnet_reference import Bottle2neck, BasicConv2d, RFB_modified, aggregation, UNet  # noqa: E402

# Mirrors org.infnet.nn.InfNetConfig: backbone (stemWidth, blocks, planes, baseWidth, scale) and head widths.
CONFIGS = {
    'infnet-res2net50': dict(stemWidth=32, blocks=[3, 4, 6, 3], planes=[64, 128, 256, 512], baseWidth=26, scale=4,
                             rfbChannels=32, edgeWidth=64, ra4Width=256, raWidth=64),
    'infnet-compact': dict(stemWidth=16, blocks=[1, 1, 2, 1], planes=[16, 32, 64, 128], baseWidth=26, scale=4,
                           rfbChannels=16, edgeWidth=32, ra4Width=64, raWidth=32),
    # a wider, deeper CPU model (the "accurate" candidate): 2.5x the compact model's multiply-adds (2.514 G per 352x352 slice, ModelCostTest)
    'infnet-medium': dict(stemWidth=24, blocks=[2, 2, 3, 2], planes=[24, 48, 96, 192], baseWidth=26, scale=4,
                          rfbChannels=24, edgeWidth=48, ra4Width=96, raWidth=48),
}


class Res2Net(nn.Module):
    def __init__(self, stemWidth, blocks, planes, baseWidth, scale):
        super().__init__()
        sw = stemWidth
        self.inplanes = 2 * sw
        self.baseWidth, self.scale = baseWidth, scale
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, sw, 3, 2, 1, bias=False), nn.BatchNorm2d(sw), nn.ReLU(inplace=True),
            nn.Conv2d(sw, sw, 3, 1, 1, bias=False), nn.BatchNorm2d(sw), nn.ReLU(inplace=True),
            nn.Conv2d(sw, 2 * sw, 3, 1, 1, bias=False))
        self.bn1 = nn.BatchNorm2d(2 * sw)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(planes[0], blocks[0])
        self.layer2 = self._make_layer(planes[1], blocks[1], stride=2)
        self.layer3 = self._make_layer(planes[2], blocks[2], stride=2)
        self.layer4 = self._make_layer(planes[3], blocks[3], stride=2)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(
                nn.AvgPool2d(kernel_size=stride, stride=stride, ceil_mode=True, count_include_pad=False),
                nn.Conv2d(self.inplanes, planes * 4, kernel_size=1, stride=1, bias=False),
                nn.BatchNorm2d(planes * 4))
        layers = [Bottle2neck(self.inplanes, planes, stride, downsample=downsample, stype='stage',
                              baseWidth=self.baseWidth, scale=self.scale)]
        self.inplanes = planes * 4
        for _ in range(1, blocks):
            layers.append(Bottle2neck(self.inplanes, planes, baseWidth=self.baseWidth, scale=self.scale))
        return nn.Sequential(*layers)


def _up(x, s):
    return F.interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)


class InfNet(nn.Module):
    """Inf-Net with the widths of `cfg` (a CONFIGS entry). forward returns the five logit maps
    (map5, map4, map3, map2, edge) at the input size, exactly as the original."""

    def __init__(self, cfg):
        super().__init__()
        c = cfg
        st = [4 * p for p in c['planes']]
        self.resnet = Res2Net(c['stemWidth'], c['blocks'], c['planes'], c['baseWidth'], c['scale'])
        ch, ew, r4, rw = c['rfbChannels'], c['edgeWidth'], c['ra4Width'], c['raWidth']
        self.rfb2_1 = RFB_modified(st[1], ch)
        self.rfb3_1 = RFB_modified(st[2], ch)
        self.rfb4_1 = RFB_modified(st[3], ch)
        self.ParDec = aggregation(ch, 1)
        self.ra4_conv1 = BasicConv2d(st[3], r4, kernel_size=1)
        self.ra4_conv2 = BasicConv2d(r4 + ew, r4, kernel_size=5, padding=2)
        self.ra4_conv3 = BasicConv2d(r4, r4, kernel_size=5, padding=2)
        self.ra4_conv4 = BasicConv2d(r4, r4, kernel_size=5, padding=2)
        self.ra4_conv5 = BasicConv2d(r4, 1, kernel_size=1)
        self.ra3_conv1 = BasicConv2d(st[2], rw, kernel_size=1)
        self.ra3_conv2 = BasicConv2d(rw + ew, rw, kernel_size=3, padding=1)
        self.ra3_conv3 = BasicConv2d(rw, rw, kernel_size=3, padding=1)
        self.ra3_conv4 = BasicConv2d(rw, 1, kernel_size=3, padding=1)
        self.ra2_conv1 = BasicConv2d(st[1], rw, kernel_size=1)
        self.ra2_conv2 = BasicConv2d(rw + ew, rw, kernel_size=3, padding=1)
        self.ra2_conv3 = BasicConv2d(rw, rw, kernel_size=3, padding=1)
        self.ra2_conv4 = BasicConv2d(rw, 1, kernel_size=3, padding=1)
        self.edge_conv1 = BasicConv2d(st[0], ew, kernel_size=1)
        self.edge_conv2 = BasicConv2d(ew, ew, kernel_size=3, padding=1)
        self.edge_conv3 = BasicConv2d(ew, ew, kernel_size=3, padding=1)
        self.edge_conv4 = BasicConv2d(ew, 1, kernel_size=3, padding=1)

    def forward(self, x, all_maps=True):
        r = self.resnet
        x = r.maxpool(r.relu(r.bn1(r.conv1(x))))
        x1 = r.layer1(x)
        x2 = r.layer2(x1)
        x3 = r.layer3(x2)
        x4 = r.layer4(x3)
        x2_rfb, x3_rfb, x4_rfb = self.rfb2_1(x2), self.rfb3_1(x3), self.rfb4_1(x4)
        ra5_feat = self.ParDec(x4_rfb, x3_rfb, x2_rfb)
        e = self.edge_conv3(self.edge_conv2(self.edge_conv1(x1)))
        lateral_edge = self.edge_conv4(e)

        crop_4 = _up(ra5_feat, 0.25)
        x = (1 - torch.sigmoid(crop_4)) * x4
        x = torch.cat((self.ra4_conv1(x), _up(e, 1 / 8)), dim=1)
        x = F.relu(self.ra4_conv2(x))
        x = F.relu(self.ra4_conv3(x))
        x = F.relu(self.ra4_conv4(x))
        s4 = self.ra4_conv5(x) + crop_4

        crop_3 = _up(s4, 2)
        x = (1 - torch.sigmoid(crop_3)) * x3
        x = torch.cat((self.ra3_conv1(x), _up(e, 1 / 4)), dim=1)
        x = F.relu(self.ra3_conv2(x))
        x = F.relu(self.ra3_conv3(x))
        s3 = self.ra3_conv4(x) + crop_3

        crop_2 = _up(s3, 2)
        x = (1 - torch.sigmoid(crop_2)) * x2
        x = torch.cat((self.ra2_conv1(x), _up(e, 1 / 2)), dim=1)
        x = F.relu(self.ra2_conv2(x))
        x = F.relu(self.ra2_conv3(x))
        s2 = self.ra2_conv4(x) + crop_2
        map2 = _up(s2, 8)
        if not all_maps:
            return map2
        return _up(ra5_feat, 8), _up(s4, 32), _up(s3, 16), map2, _up(lateral_edge, 4)


def unet(base):
    """The multi-class U-Net of ../infnet_reference.py at base width `base` (org.infnet.nn.UNetConfig)."""
    net = UNet(6, 3, True)
    if base == 64:
        return net
    from infnet_reference import DoubleConv, Down, Up, OutConv
    b = base
    net.inc = DoubleConv(6, b)
    net.down1, net.down2, net.down3, net.down4 = Down(b, 2 * b), Down(2 * b, 4 * b), Down(4 * b, 8 * b), Down(8 * b, 8 * b)
    net.up1, net.up2 = Up(16 * b, 4 * b), Up(8 * b, 2 * b)
    net.up3, net.up4 = Up(4 * b, b), Up(2 * b, b)
    net.outc = OutConv(b, 3)
    return net


def count(net):
    return sum(p.numel() for p in net.parameters())


if __name__ == '__main__':
    for k, c in CONFIGS.items():
        n = InfNet(c)
        print(k, f'{count(n):,} parameters')
    print('unet16', f'{count(unet(16)):,}', 'unet64', f'{count(unet(64)):,}')
