"""Reference PyTorch definitions of the ORIGINAL Inf-Net (Res2Net-50 v1b 26w4s) and the multi-class U-Net.

Developer tool only (never used by the Java build or tests). Written to match the public Inf-Net code
(Code/model_lung_infection/InfNet_Res2Net.py, backbone/Res2Net.py, module/UNet.py from milesial's
Pytorch-UNet with bilinear=True) and /work/shared/reference/INF-NET.md. The state_dict key order,
names and shapes are identical to /work/shared/reference/*-state-dict.tsv (run this file to check).

Deliberate faithfulness points (they change numbers, do not "fix" them):
  * BasicConv2d defines a ReLU but does NOT apply it in forward.
  * Bottle2neck 'stage' blocks: AvgPool2d(3, stride, padding=1) with count_include_pad=True (default).
  * v1b shortcut: AvgPool2d(kernel=stride, stride=stride, ceil_mode=True, count_include_pad=False) + 1x1 conv + BN.
  * Inf_Net.forward resizes with F.interpolate(scale_factor=..., mode='bilinear') -> align_corners=False,
    no antialias; the partial decoder uses nn.Upsample(scale_factor=2, bilinear, align_corners=True).

Both forward() methods accept an optional `taps` dict; if given, named intermediate tensors are stored in it.
"""
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------------------------------------
# Res2Net-50 v1b 26w 4s backbone
# ----------------------------------------------------------------------------------------------------------
class Bottle2neck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, baseWidth=26, scale=4, stype='normal'):
        super().__init__()
        width = int(math.floor(planes * (baseWidth / 64.0)))
        self.conv1 = nn.Conv2d(inplanes, width * scale, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width * scale)
        self.nums = 1 if scale == 1 else scale - 1
        if stype == 'stage':
            self.pool = nn.AvgPool2d(kernel_size=3, stride=stride, padding=1)  # count_include_pad=True
        convs, bns = [], []
        for _ in range(self.nums):
            convs.append(nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False))
            bns.append(nn.BatchNorm2d(width))
        self.convs = nn.ModuleList(convs)
        self.bns = nn.ModuleList(bns)
        self.conv3 = nn.Conv2d(width * scale, planes * self.expansion, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stype = stype
        self.scale = scale
        self.width = width

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        spx = torch.split(out, self.width, 1)
        sp = None
        for i in range(self.nums):
            if i == 0 or self.stype == 'stage':
                sp = spx[i]
            else:
                sp = sp + spx[i]
            sp = self.relu(self.bns[i](self.convs[i](sp)))
            out = sp if i == 0 else torch.cat((out, sp), 1)
        if self.scale != 1 and self.stype == 'normal':
            out = torch.cat((out, spx[self.nums]), 1)
        elif self.scale != 1 and self.stype == 'stage':
            out = torch.cat((out, self.pool(spx[self.nums])), 1)
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            residual = self.downsample(x)
        out = out + residual
        return self.relu(out)


class Res2Net(nn.Module):
    def __init__(self, block=Bottle2neck, layers=(3, 4, 6, 3), baseWidth=26, scale=4, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.baseWidth = baseWidth
        self.scale = scale
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, 32, 3, 2, 1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 32, 3, 1, 1, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.Conv2d(32, 64, 3, 1, 1, bias=False),
        )
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.AvgPool2d(kernel_size=stride, stride=stride, ceil_mode=True, count_include_pad=False),
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=1, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample=downsample, stype='stage',
                        baseWidth=self.baseWidth, scale=self.scale)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, baseWidth=self.baseWidth, scale=self.scale))
        return nn.Sequential(*layers)

    def forward(self, x):  # classifier path, unused by Inf-Net
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def res2net50_v1b_26w_4s():
    return Res2Net(Bottle2neck, [3, 4, 6, 3], baseWidth=26, scale=4)


# ----------------------------------------------------------------------------------------------------------
# Inf-Net heads
# ----------------------------------------------------------------------------------------------------------
class BasicConv2d(nn.Module):
    def __init__(self, in_planes, out_planes, kernel_size, stride=1, padding=0, dilation=1):
        super().__init__()
        self.conv = nn.Conv2d(in_planes, out_planes, kernel_size=kernel_size, stride=stride,
                              padding=padding, dilation=dilation, bias=False)
        self.bn = nn.BatchNorm2d(out_planes)
        self.relu = nn.ReLU(inplace=True)  # defined, NOT applied (as in the original)

    def forward(self, x):
        return self.bn(self.conv(x))


class RFB_modified(nn.Module):
    def __init__(self, in_channel, out_channel):
        super().__init__()
        self.relu = nn.ReLU(True)
        self.branch0 = nn.Sequential(BasicConv2d(in_channel, out_channel, 1))
        self.branch1 = nn.Sequential(
            BasicConv2d(in_channel, out_channel, 1),
            BasicConv2d(out_channel, out_channel, kernel_size=(1, 3), padding=(0, 1)),
            BasicConv2d(out_channel, out_channel, kernel_size=(3, 1), padding=(1, 0)),
            BasicConv2d(out_channel, out_channel, 3, padding=3, dilation=3))
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channel, out_channel, 1),
            BasicConv2d(out_channel, out_channel, kernel_size=(1, 5), padding=(0, 2)),
            BasicConv2d(out_channel, out_channel, kernel_size=(5, 1), padding=(2, 0)),
            BasicConv2d(out_channel, out_channel, 3, padding=5, dilation=5))
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channel, out_channel, 1),
            BasicConv2d(out_channel, out_channel, kernel_size=(1, 7), padding=(0, 3)),
            BasicConv2d(out_channel, out_channel, kernel_size=(7, 1), padding=(3, 0)),
            BasicConv2d(out_channel, out_channel, 3, padding=7, dilation=7))
        self.conv_cat = BasicConv2d(4 * out_channel, out_channel, 3, padding=1)
        self.conv_res = BasicConv2d(in_channel, out_channel, 1)

    def forward(self, x):
        x0, x1, x2, x3 = self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)
        x_cat = self.conv_cat(torch.cat((x0, x1, x2, x3), 1))
        return self.relu(x_cat + self.conv_res(x))


class aggregation(nn.Module):
    """Parallel partial decoder (NPD). Inputs: x1 = rfb4 (1/32), x2 = rfb3 (1/16), x3 = rfb2 (1/8)."""

    def __init__(self, channel, n_class):
        super().__init__()
        self.relu = nn.ReLU(True)
        self.upsample = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)
        self.conv_upsample1 = BasicConv2d(channel, channel, 3, padding=1)
        self.conv_upsample2 = BasicConv2d(channel, channel, 3, padding=1)
        self.conv_upsample3 = BasicConv2d(channel, channel, 3, padding=1)
        self.conv_upsample4 = BasicConv2d(channel, channel, 3, padding=1)
        self.conv_upsample5 = BasicConv2d(2 * channel, 2 * channel, 3, padding=1)
        self.conv_concat2 = BasicConv2d(2 * channel, 2 * channel, 3, padding=1)
        self.conv_concat3 = BasicConv2d(3 * channel, 3 * channel, 3, padding=1)
        self.conv4 = BasicConv2d(3 * channel, 3 * channel, 3, padding=1)
        self.conv5 = nn.Conv2d(3 * channel, n_class, 1)

    def forward(self, x1, x2, x3):
        x1_1 = x1
        x2_1 = self.conv_upsample1(self.upsample(x1)) * x2
        x3_1 = self.conv_upsample2(self.upsample(self.upsample(x1))) \
            * self.conv_upsample3(self.upsample(x2)) * x3
        x2_2 = torch.cat((x2_1, self.conv_upsample4(self.upsample(x1_1))), 1)
        x2_2 = self.conv_concat2(x2_2)
        x3_2 = torch.cat((x3_1, self.conv_upsample5(self.upsample(x2_2))), 1)
        x3_2 = self.conv_concat3(x3_2)
        x = self.conv4(x3_2)
        return self.conv5(x)


class Inf_Net(nn.Module):
    def __init__(self, channel=32, n_class=1):
        super().__init__()
        self.resnet = res2net50_v1b_26w_4s()
        self.rfb2_1 = RFB_modified(512, channel)
        self.rfb3_1 = RFB_modified(1024, channel)
        self.rfb4_1 = RFB_modified(2048, channel)
        self.ParDec = aggregation(channel, n_class)
        self.ra4_conv1 = BasicConv2d(2048, 256, kernel_size=1)
        self.ra4_conv2 = BasicConv2d(256 + 64, 256, kernel_size=5, padding=2)
        self.ra4_conv3 = BasicConv2d(256, 256, kernel_size=5, padding=2)
        self.ra4_conv4 = BasicConv2d(256, 256, kernel_size=5, padding=2)
        self.ra4_conv5 = BasicConv2d(256, n_class, kernel_size=1)
        self.ra3_conv1 = BasicConv2d(1024, 64, kernel_size=1)
        self.ra3_conv2 = BasicConv2d(64 + 64, 64, kernel_size=3, padding=1)
        self.ra3_conv3 = BasicConv2d(64, 64, kernel_size=3, padding=1)
        self.ra3_conv4 = BasicConv2d(64, n_class, kernel_size=3, padding=1)
        self.ra2_conv1 = BasicConv2d(512, 64, kernel_size=1)
        self.ra2_conv2 = BasicConv2d(64 + 64, 64, kernel_size=3, padding=1)
        self.ra2_conv3 = BasicConv2d(64, 64, kernel_size=3, padding=1)
        self.ra2_conv4 = BasicConv2d(64, n_class, kernel_size=3, padding=1)
        self.edge_conv1 = BasicConv2d(256, 64, kernel_size=1)
        self.edge_conv2 = BasicConv2d(64, 64, kernel_size=3, padding=1)
        self.edge_conv3 = BasicConv2d(64, 64, kernel_size=3, padding=1)
        self.edge_conv4 = BasicConv2d(64, n_class, kernel_size=3, padding=1)

    def forward(self, x, taps=None):
        def tap(name, t):
            if taps is not None:
                taps[name] = t.detach().clone()
            return t

        r = self.resnet
        x = r.conv1(x)
        x = r.bn1(x)
        x = r.relu(x)
        x = tap('stem', r.maxpool(x))
        if taps is not None:
            tap('layer1_0', r.layer1[0](x))
        x1 = tap('x1', r.layer1(x))        # 256 x 1/4
        x2 = tap('x2', r.layer2(x1))       # 512 x 1/8
        x3 = tap('x3', r.layer3(x2))       # 1024 x 1/16
        x4 = tap('x4', r.layer4(x3))       # 2048 x 1/32

        x2_rfb = tap('x2_rfb', self.rfb2_1(x2))
        x3_rfb = tap('x3_rfb', self.rfb3_1(x3))
        x4_rfb = tap('x4_rfb', self.rfb4_1(x4))

        ra5_feat = tap('ra5_feat', self.ParDec(x4_rfb, x3_rfb, x2_rfb))
        lateral_map_5 = F.interpolate(ra5_feat, scale_factor=8, mode='bilinear')

        x = self.edge_conv1(x1)
        x = self.edge_conv2(x)
        edge_guidance = tap('edge_guidance', self.edge_conv3(x))
        lateral_edge = tap('lateral_edge', self.edge_conv4(edge_guidance))  # 1/4, before upsampling
        lateral_edge = F.interpolate(lateral_edge, scale_factor=4, mode='bilinear')

        # ---- reverse attention branch 4 ----
        crop_4 = tap('crop_4', F.interpolate(ra5_feat, scale_factor=0.25, mode='bilinear'))
        x = -1 * torch.sigmoid(crop_4) + 1
        x = x.expand(-1, 2048, -1, -1).mul(x4)
        x = torch.cat((self.ra4_conv1(x), F.interpolate(edge_guidance, scale_factor=1 / 8, mode='bilinear')), dim=1)
        x = F.relu(self.ra4_conv2(x))
        x = F.relu(self.ra4_conv3(x))
        x = F.relu(self.ra4_conv4(x))
        ra4_feat = self.ra4_conv5(x)
        x = tap('ra4_x', ra4_feat + crop_4)
        lateral_map_4 = F.interpolate(x, scale_factor=32, mode='bilinear')

        # ---- reverse attention branch 3 ----
        crop_3 = F.interpolate(x, scale_factor=2, mode='bilinear')
        x = -1 * torch.sigmoid(crop_3) + 1
        x = x.expand(-1, 1024, -1, -1).mul(x3)
        x = torch.cat((self.ra3_conv1(x), F.interpolate(edge_guidance, scale_factor=1 / 4, mode='bilinear')), dim=1)
        x = F.relu(self.ra3_conv2(x))
        x = F.relu(self.ra3_conv3(x))
        ra3_feat = self.ra3_conv4(x)
        x = tap('ra3_x', ra3_feat + crop_3)
        lateral_map_3 = F.interpolate(x, scale_factor=16, mode='bilinear')

        # ---- reverse attention branch 2 ----
        crop_2 = F.interpolate(x, scale_factor=2, mode='bilinear')
        x = -1 * torch.sigmoid(crop_2) + 1
        x = x.expand(-1, 512, -1, -1).mul(x2)
        x = torch.cat((self.ra2_conv1(x), F.interpolate(edge_guidance, scale_factor=1 / 2, mode='bilinear')), dim=1)
        x = F.relu(self.ra2_conv2(x))
        x = F.relu(self.ra2_conv3(x))
        ra2_feat = self.ra2_conv4(x)
        x = tap('ra2_x', ra2_feat + crop_2)
        lateral_map_2 = F.interpolate(x, scale_factor=8, mode='bilinear')

        return lateral_map_5, lateral_map_4, lateral_map_3, lateral_map_2, lateral_edge


# ----------------------------------------------------------------------------------------------------------
# Multi-class U-Net (milesial Pytorch-UNet, bilinear=True, as used by Inf-Net's multi-class code)
# ----------------------------------------------------------------------------------------------------------
class DoubleConv(nn.Module):
    """(conv3x3 with bias => BN => ReLU) * 2"""

    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        if not mid_channels:
            mid_channels = out_channels
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_channels, out_channels))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, in_channels, out_channels, bilinear=True):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels, in_channels // 2)
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        diffY = x2.size()[2] - x1.size()[2]
        diffX = x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        return self.conv(torch.cat([x2, x1], dim=1))


class OutConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, n_channels=6, n_classes=3, bilinear=True):
        super().__init__()
        self.n_channels, self.n_classes, self.bilinear = n_channels, n_classes, bilinear
        factor = 2 if bilinear else 1
        self.inc = DoubleConv(n_channels, 64)
        self.down1 = Down(64, 128)
        self.down2 = Down(128, 256)
        self.down3 = Down(256, 512)
        self.down4 = Down(512, 1024 // factor)
        self.up1 = Up(1024, 512 // factor, bilinear)
        self.up2 = Up(512, 256 // factor, bilinear)
        self.up3 = Up(256, 128 // factor, bilinear)
        self.up4 = Up(128, 64, bilinear)
        self.outc = OutConv(64, n_classes)

    def forward(self, x, taps=None):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return self.outc(x)


# ----------------------------------------------------------------------------------------------------------
# State-dict table check
# ----------------------------------------------------------------------------------------------------------
REF_DIR = '/work/shared/reference'
INFNET_TSV = f'{REF_DIR}/infnet-res2net50-state-dict.tsv'
UNET_TSV = f'{REF_DIR}/multiclass-unet-state-dict.tsv'


def read_tsv(path):
    """Rows (name, shape tuple) in file order, header excluded. 'scalar' -> ()."""
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            name, shape = line.split('\t')
            rows.append((name, () if shape == 'scalar' else tuple(int(s) for s in shape.split('x'))))
    return rows


def check_against_tsv(model, path):
    """Raise if the model's state_dict differs from the table in names, order or shapes."""
    rows = read_tsv(path)
    sd = model.state_dict()
    got = [(k, tuple(v.shape)) for k, v in sd.items()]
    missing = [r for r in rows if r[0] not in sd]
    extra = [k for k, _ in got if k not in dict(rows)]
    bad = [(k, s, tuple(sd[k].shape)) for k, s in rows if k in sd and tuple(sd[k].shape) != s]
    if missing or extra or bad:
        raise AssertionError(f'{path}: missing={missing[:5]} extra={extra[:5]} shape mismatch={bad[:5]}')
    if got != rows:
        raise AssertionError(f'{path}: same keys/shapes but different order')
    n_params = sum(p.numel() for p in model.parameters())
    n_buffers = sum(b.numel() for b in model.buffers())
    return len(rows), n_params, n_buffers


if __name__ == '__main__':
    ok = True
    for name, ctor, path in (('Inf_Net', Inf_Net, INFNET_TSV), ('UNet', UNet, UNET_TSV)):
        try:
            n, p, b = check_against_tsv(ctor(), path)
            print(f'{name}: state_dict matches {path}: {n} entries, same order; '
                  f'{p:,} parameter values + {b:,} buffer values')
        except AssertionError as e:
            ok = False
            print(f'{name}: MISMATCH {e}')
    sys.exit(0 if ok else 1)
