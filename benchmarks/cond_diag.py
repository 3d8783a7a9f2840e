"""Short diagnostic runs of conditional VMT on CMP Facade (cpu preset), printing every `--eval_every` iterations the
hole PSNR of ŷ and ỹ against the training batch and of g(c, 0) and the prediction on the 30 test photos.

Written before `fit_cond` had `l1` and `flip` and `CondUNet` had `up`: `--l1` swaps in a step with the anchor,
`--resize` swaps the transposed convolutions for resize-convolutions, `--flip` adds a flipping callback; the
transposed U-Net is the default here (as it was then). The runs and their numbers: nbs/results/cond_diagnosis.json.
"""
import argparse, json, time, os, sys
import torch
from torch import nn
torch.set_num_threads(1)
from vmt_nb.conditional import *
from vmt_nb.train import Callback
from vmt_nb.vae import reparam, kl_std_normal

p = argparse.ArgumentParser()
p.add_argument('--method', default='vmt')
p.add_argument('--iters', type=int, default=300)
p.add_argument('--eval_every', type=int, default=100)
p.add_argument('--lr_ebm', type=float, default=1e-4)
p.add_argument('--lr_vae', type=float, default=1e-3)
p.add_argument('--delta', type=float, default=1.0)
p.add_argument('--n_steps', type=int, default=15)
p.add_argument('--beta', type=float, default=1.0)
p.add_argument('--ref_sigma', type=float, default=8.0)
p.add_argument('--resize', action='store_true')
p.add_argument('--flip', action='store_true')
p.add_argument('--seed', type=int, default=0)
p.add_argument('--bs', type=int, default=16)
p.add_argument('--ew', type=int, default=16)
p.add_argument('--tag', default='')
p.add_argument('--l1', type=float, default=0.)
a = p.parse_args()

tr, te = (facade_pairs(None, **FACADE_PRESETS['cpu'], split=s) for s in ('train', 'test'))
mask = tr.mask
def hole_psnr(yp, yt):
    r = completion_metrics(yp, yt, mask); return r['psnr_hole']
mean_fill = compose(te.c.sum((2, 3), keepdim=True) / te.mask.sum() + 0 * te.y, te.c, te.mask)
print('mean fill', completion_metrics(mean_fill, te.y, mask), flush=True)

def resize_ups(g):
    for s in g.ups:
        t = s[0]; s[0] = nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(t.in_channels, t.out_channels, 3, 1, 1))
    return g

torch.manual_seed(a.seed)
E, G, Q = CondEnergy(64, width=a.ew), CondUNet(64, z_dim=16, width=16, up='transpose'), CondEncoder(64, z_dim=16, width=8, hidden=128)
if a.resize: resize_ups(G)
t0 = time.perf_counter()

class Flip(Callback):
    order = -50
    def before_step(self):
        x = self.learn.x_obs; f = torch.rand(len(x)) < 0.5
        self.learn.x_obs = torch.where(f[:, None, None, None], x.flip(3), x).contiguous(memory_format=torch.channels_last)

class Probe(Callback):
    def __init__(self): self.buf = []
    def after_langevin(self):
        l = self.learn
        self.buf.append((hole_psnr(l.x_init, l.x_obs), hole_psnr(l.x_syn, l.x_obs)))
    def after_step(self):
        l = self.learn
        if l.iter % a.eval_every: return
        b = torch.tensor(self.buf[-a.eval_every:]).mean(0).tolist()
        g0 = predict(l, te.c, n_steps=0); pr = predict(l, te.c)
        h = l.history[-1]
        print(f"it {l.iter} {time.perf_counter()-t0:.0f}s train hole psnr yhat {b[0]:.2f} ytil {b[1]:.2f} | test g(c,0) {hole_psnr(g0, te.y):.2f} pred {hole_psnr(pr, te.y):.2f} "
              f"| ebm {h['ebm_loss']:.3g} e_obs {h['e_obs']:.3g} e_syn {h['e_syn']:.3g} dist {h['dist']:.3g} grad {h.get('grad_norm',0):.3g} recon {h['recon']:.3g} kl {h['kl']:.3g}", flush=True)

class L1Step(CondVMTStep):
    def vae_update(self, learn, y, c, y_obs=None):
        out = cond_vae_loss(learn.model.gen, learn.model.enc, y, c, self.mask, learn.cfg.beta, learn.cfg.sigma)
        gen = learn.model.gen
        l1 = (compose(gen(c, torch.zeros(len(c), gen.z_dim)), c, self.mask) - learn.x_obs).abs().flatten(1).sum(1).mean()
        loss = out['loss'] + a.l1 * l1
        learn.opt['vae'].zero_grad(set_to_none=True); loss.backward(); learn.opt['vae'].step()
        return dict(vae_loss=out['loss'].detach(), recon=out['recon'].detach(), kl=out['kl'].detach(), l1=l1.detach())
import vmt_nb.conditional as VC
if a.l1: VC.CondVMTStep = L1Step
if a.method == 'vmt':
    cbs = [Probe()] + ([Flip()] if a.flip else [])
    run = fit_cond(E, G, Q, tr.y, mask, n_iters=a.iters, batch_size=a.bs, n_steps=a.n_steps, delta=a.delta, langevin='official',
                   ref_sigma=a.ref_sigma, beta=a.beta, clamp=(-1, 1), lr_ebm=a.lr_ebm, lr_vae=a.lr_vae, device='cpu', cbs=cbs, seed=a.seed)
else:
    g = torch.Generator().manual_seed(a.seed)
    opt = torch.optim.Adam(list(G.parameters()) + (list(Q.parameters()) if a.method == 'cvae' else []), a.lr_vae, betas=(0.5, 0.999))
    class L: pass
    for it in range(1, a.iters + 1):
        y = tr.y[torch.randint(len(tr.y), (a.bs,), generator=g)]
        if a.flip:
            f = torch.rand(len(y), generator=g) < 0.5; y = torch.where(f[:, None, None, None], y.flip(3), y)
        c = y * mask
        if a.method == 'l1':
            loss = (compose(G(c, torch.zeros(len(c), 16)), c, mask) - y).abs().flatten(1).sum(1).mean()
        else:
            loss = cond_vae_loss(G, Q, y, c, mask, a.beta)['loss']
        opt.zero_grad(); loss.backward(); opt.step()
        if it % a.eval_every == 0:
            with torch.no_grad(): g0 = compose(G(te.c, torch.zeros(len(te.c), 16)), te.c, mask)
            print(f"it {it} {time.perf_counter()-t0:.0f}s loss {loss.item():.3g} test g(c,0) {completion_metrics(g0, te.y, mask)}", flush=True)
