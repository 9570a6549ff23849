"""Own re-implementation of the diffusers schedulers Easel supports (math only, numpy float64).

Config assumed (models/tiny-shapes/scheduler/scheduler_config.json): scaled_linear betas 0.00085..0.012, 1000 train
steps, epsilon prediction, timestep_spacing "trailing", steps_offset 0, no karras unless named, final sigma 0.

Common interface:
    s = make_scheduler(name); s.set_timesteps(n)
    s.timesteps (what the UNet gets as `timestep`), s.sigmas (Euler-type/DPM, len n+1, last 0), s.init_noise_sigma
    x = noise * s.init_noise_sigma
    for i in range(n): eps = unet(s.scale_model_input(x, i), s.timesteps[i]); x = s.step(eps, i, x, noise_i)
`noise_i` (standard normal, same shape as x) is only used by euler_ancestral and lcm (`s.needs_noise`).
"""
import numpy as np

import easel_common as C

T = C.NUM_TRAIN_TIMESTEPS


def alphas_cumprod():
    return C.alphas_cumprod()


def trailing_timesteps(n):
    # diffusers EulerDiscreteScheduler/DPMSolverMultistepScheduler.set_timesteps, timestep_spacing == "trailing"
    return np.round(np.arange(T, 0, -T / n)) - 1.0


def full_sigmas(ac):
    # diffusers EulerDiscreteScheduler.__init__: sigmas = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5
    return np.sqrt((1.0 - ac) / ac)


def karras(sigma_min, sigma_max, n, rho=7.0):
    # diffusers EulerDiscreteScheduler._convert_to_karras (Karras et al. 2022 eq. 5)
    ramp = np.linspace(0, 1, n)
    min_inv, max_inv = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return (max_inv + ramp * (min_inv - max_inv)) ** rho


def sigma_to_t(sigma, log_sigmas):
    # diffusers EulerDiscreteScheduler._sigma_to_t (piecewise-linear interpolation in log-sigma)
    log_sigma = np.log(np.maximum(sigma, 1e-10))
    dists = log_sigma - log_sigmas[:, None]
    low_idx = np.cumsum(dists >= 0, axis=0).argmax(axis=0).clip(max=log_sigmas.shape[0] - 2)
    high_idx = low_idx + 1
    low, high = log_sigmas[low_idx], log_sigmas[high_idx]
    w = np.clip((low - log_sigma) / (low - high), 0, 1)
    return (1 - w) * low_idx + w * high_idx


class Euler:
    name, needs_noise = "euler", False

    def __init__(self):
        self.ac = alphas_cumprod()

    def set_timesteps(self, n):
        self.n = n
        self.timesteps = trailing_timesteps(n)
        # diffusers EulerDiscreteScheduler.set_timesteps: np.interp(timesteps, arange, sigmas), then append 0.0
        s = np.interp(self.timesteps, np.arange(T), full_sigmas(self.ac))
        self.sigmas = np.concatenate([s, [0.0]])
        # diffusers EulerDiscreteScheduler.init_noise_sigma: max sigma for "linspace"/"trailing" spacing
        self.init_noise_sigma = float(self.sigmas.max())

    def scale_model_input(self, x, i):
        # diffusers EulerDiscreteScheduler.scale_model_input: sample / ((sigma**2 + 1) ** 0.5)
        return x / np.sqrt(self.sigmas[i] ** 2 + 1)

    def step(self, eps, i, x, noise=None):
        sigma = self.sigmas[i]
        # diffusers EulerDiscreteScheduler.step (s_churn=0 -> sigma_hat = sigma), prediction_type "epsilon"
        x0 = x - sigma * eps
        d = (x - x0) / sigma
        return x + d * (self.sigmas[i + 1] - sigma)


class EulerAncestral(Euler):
    name, needs_noise = "euler_ancestral", True

    def step(self, eps, i, x, noise=None):
        s_from, s_to = self.sigmas[i], self.sigmas[i + 1]
        # diffusers EulerAncestralDiscreteScheduler.step: sigma_up/sigma_down split, epsilon prediction
        x0 = x - s_from * eps
        s_up = np.sqrt(s_to ** 2 * (s_from ** 2 - s_to ** 2) / s_from ** 2)
        s_down = np.sqrt(s_to ** 2 - s_up ** 2)
        d = (x - x0) / s_from
        return x + d * (s_down - s_from) + noise * s_up


class DPMSolverPP2M:
    """dpmpp_2m / dpmpp_2m_karras = diffusers DPMSolverMultistepScheduler(algorithm_type="dpmsolver++",
    solver_order=2, solver_type="midpoint", lower_order_final=True, final_sigmas_type="zero")."""
    needs_noise = False

    def __init__(self, use_karras=False):
        self.ac = alphas_cumprod()
        self.use_karras = use_karras
        self.name = "dpmpp_2m_karras" if use_karras else "dpmpp_2m"

    def set_timesteps(self, n):
        self.n = n
        sig = full_sigmas(self.ac)
        if self.use_karras:
            # diffusers DPMSolverMultistepScheduler.set_timesteps: flip, _convert_to_karras, round(_sigma_to_t)
            ks = karras(sig[0], sig[-1], n)
            self.timesteps = np.round(sigma_to_t(ks, np.log(sig)))
            s = ks
        else:
            self.timesteps = trailing_timesteps(n)
            s = np.interp(self.timesteps, np.arange(T), sig)
        self.sigmas = np.concatenate([s, [0.0]])  # final_sigmas_type == "zero"
        self.init_noise_sigma = 1.0
        self.outputs = []
        self.lower_order_nums = 0

    def scale_model_input(self, x, i):
        return x  # diffusers DPMSolverMultistepScheduler.scale_model_input is the identity

    @staticmethod
    def _alpha_sigma(sigma):
        # diffusers DPMSolverMultistepScheduler._sigma_to_alpha_sigma_t: alpha = 1/sqrt(sigma^2+1), sigma_t = sigma*alpha
        a = 1.0 / np.sqrt(sigma ** 2 + 1)
        return a, sigma * a

    def _lambda(self, sigma):
        a, s = self._alpha_sigma(sigma)
        return np.log(a) - np.log(s) if s > 0 else np.inf

    def step(self, eps, i, x, noise=None):
        # diffusers DPMSolverMultistepScheduler.convert_model_output (dpmsolver++, epsilon): x0 = (x - sigma_t*eps)/alpha_t
        a_s, s_s = self._alpha_sigma(self.sigmas[i])
        x0 = (x - s_s * eps) / a_s
        self.outputs = (self.outputs + [x0])[-2:]
        # diffusers DPMSolverMultistepScheduler.step: lower_order_final (always true on the last step, final sigma 0)
        last = i == self.n - 1
        sig_t = self.sigmas[i + 1]
        a_t, s_t = self._alpha_sigma(sig_t)
        if sig_t == 0:
            out = x0  # h -> inf: (sigma_t/sigma_s)*x -> 0, exp(-h) -> 0: the first-order update reduces to x0
        elif self.lower_order_nums < 1 or last:
            # diffusers dpm_solver_first_order_update (dpmsolver++): x_t = (s_t/s_s) x - a_t (exp(-h) - 1) x0
            h = self._lambda(sig_t) - self._lambda(self.sigmas[i])
            out = (s_t / s_s) * x - a_t * (np.exp(-h) - 1.0) * x0
        else:
            # diffusers multistep_dpm_solver_second_order_update (dpmsolver++, midpoint)
            m0, m1 = self.outputs[-1], self.outputs[-2]
            lt, ls0, ls1 = self._lambda(sig_t), self._lambda(self.sigmas[i]), self._lambda(self.sigmas[i - 1])
            h, h0 = lt - ls0, ls0 - ls1
            r0 = h0 / h
            D0, D1 = m0, (1.0 / r0) * (m0 - m1)
            out = (s_t / s_s) * x - a_t * (np.exp(-h) - 1.0) * D0 - 0.5 * a_t * (np.exp(-h) - 1.0) * D1
        self.lower_order_nums = min(self.lower_order_nums + 1, 2)
        return out


class DDIM:
    """diffusers DDIMScheduler, eta=0, set_alpha_to_one=False, clip_sample=False, trailing spacing."""
    name, needs_noise = "ddim", False

    def __init__(self):
        self.ac = alphas_cumprod()

    def set_timesteps(self, n):
        self.n = n
        # diffusers DDIMScheduler.set_timesteps, "trailing": np.round(np.arange(T, 0, -T/n)) - 1
        self.timesteps = trailing_timesteps(n)
        self.sigmas = None
        self.init_noise_sigma = 1.0

    def scale_model_input(self, x, i):
        return x

    def step(self, eps, i, x, noise=None):
        t = int(self.timesteps[i])
        prev_t = t - T // self.n  # diffusers DDIMScheduler.step: prev_timestep = timestep - T // num_inference_steps
        a_t = self.ac[t]
        a_prev = self.ac[prev_t] if prev_t >= 0 else self.ac[0]  # final_alpha_cumprod (set_alpha_to_one=False)
        # diffusers DDIMScheduler.step (eta=0): x0 = (x - sqrt(1-a_t) eps)/sqrt(a_t); x_prev = sqrt(a_prev) x0 + sqrt(1-a_prev) eps
        x0 = (x - np.sqrt(1 - a_t) * eps) / np.sqrt(a_t)
        return np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * eps


class LCM:
    """diffusers LCMScheduler (original_inference_steps=50, timestep_scaling=10, sigma_data=0.5)."""
    name, needs_noise = "lcm", True

    def __init__(self, original_steps=50):
        self.ac = alphas_cumprod()
        self.original_steps = original_steps

    def set_timesteps(self, n):
        self.n = n
        k = T // self.original_steps
        # diffusers LCMScheduler.set_timesteps: origin = arange(1, orig+1)*k - 1, reversed, floor(linspace(0, len, n)) picks
        origin = (np.arange(1, self.original_steps + 1) * k - 1)[::-1]
        if len(origin) // n < 1:
            raise ValueError("lcm supports at most %d steps" % self.original_steps)
        idx = np.floor(np.linspace(0, len(origin), num=n, endpoint=False)).astype(np.int64)
        self.timesteps = origin[idx].astype(np.float64)
        self.sigmas = None
        self.init_noise_sigma = 1.0

    def scale_model_input(self, x, i):
        return x

    def step(self, eps, i, x, noise=None):
        t = int(self.timesteps[i])
        prev_t = int(self.timesteps[i + 1]) if i + 1 < self.n else t
        a_t = self.ac[t]
        a_prev = self.ac[prev_t] if prev_t >= 0 else self.ac[0]
        # diffusers LCMScheduler.get_scalings_for_boundary_condition_discrete (timestep_scaling=10, sigma_data=0.5)
        st = t * 10.0
        c_skip = 0.25 / (st ** 2 + 0.25)
        c_out = st / np.sqrt(st ** 2 + 0.25)
        # diffusers LCMScheduler.step: x0 from epsilon, denoised = c_out*x0 + c_skip*x, re-noise unless last step
        x0 = (x - np.sqrt(1 - a_t) * eps) / np.sqrt(a_t)
        den = c_out * x0 + c_skip * x
        if i == self.n - 1:
            return den
        return np.sqrt(a_prev) * den + np.sqrt(1 - a_prev) * noise


def make_scheduler(name):
    return {"euler": Euler, "euler_ancestral": EulerAncestral, "dpmpp_2m": lambda: DPMSolverPP2M(False),
            "dpmpp_2m_karras": lambda: DPMSolverPP2M(True), "ddim": DDIM, "lcm": LCM}[name]()


NAMES = ["euler", "euler_ancestral", "ddim", "dpmpp_2m", "dpmpp_2m_karras", "lcm"]
