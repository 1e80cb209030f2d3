"""Reference values of the distribution functions gtm implements (src/analyses/experiments/
special-functions.ts), computed with mpmath at 50 significant digits and rounded to doubles:
`function,arg1,arg2,value` in reference-distributions.csv (values as Python's repr of the double).
Run: python3 generate.py (mpmath 1.3.0). The CSV is committed; the tests do not run Python.
  normal_cdf(x)          = erfc(-x/sqrt 2)/2
  normal_pdf(x)          = exp(-x^2/2)/sqrt(2 pi)
  normal_quantile(p)     = -sqrt 2 * erfcinv(2p), by bisection on normal_cdf
  t_cdf(x, nu)           = I_{nu/(nu+x^2)}(nu/2, 1/2)/2 for x < 0, 1 - that for x > 0
  t_quantile(p, nu)      = bisection for t_cdf(x, nu) = p
  chisquare_survival(x,k)= Q(k/2, x/2), the regularized upper incomplete gamma function
"""
import csv
import mpmath as mp

mp.mp.dps = 50

def ncdf(x):
    return mp.erfc(-mp.mpf(x) / mp.sqrt(2)) / 2

def lower_beta(a, b, z):
    """I_z(a, b) for z in (0, 1); near z = 1 through 1 - I_(1-z)(b, a) at enough digits to keep the tail."""
    if z <= mp.mpf(1) / 2:
        return mp.betainc(a, b, 0, z, regularized=True)
    # the leading term of the tail, to choose the working precision
    est = a * mp.log(z) + b * mp.log(1 - z) - mp.log(a) - mp.log(mp.beta(a, b))
    if est < -800:  # below the smallest double by far: the double is 0
        return mp.mpf(0)
    with mp.workdps(60 + int(max(0, -est / mp.log(10)))):
        return 1 - mp.betainc(b, a, 0, 1 - z, regularized=True)

def tcdf(x, nu):
    x, nu = mp.mpf(x), mp.mpf(nu)
    if x == 0:
        return mp.mpf(1) / 2
    tail = lower_beta(nu / 2, mp.mpf(1) / 2, nu / (nu + x * x)) / 2
    return tail if x < 0 else 1 - tail

def quantile(cdf, p, start):
    p = mp.mpf(p)
    # bracket in x, then bisect/anderson on log scale of the tail for precision
    lo, hi = mp.mpf(-1), mp.mpf(1)
    while cdf(lo) > p:
        lo *= 4
    while cdf(hi) < p:
        hi *= 4
    for _ in range(400):  # bisection: 2^-400 of the bracket, far below a double's precision
        mid = (lo + hi) / 2
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2

rows = []
def add(fn, a, b, v):
    rows.append((fn, repr(float(a)), '' if b is None else repr(float(b)), repr(float(v))))

xs = [-38, -37.5, -30, -20, -12.5, -8, -5, -3.3, -2, -1.96, -1.5, -1, -0.5, -0.1, -1e-8, 0, 1e-8, 0.1, 0.5, 1, 1.5, 1.96, 2, 3.3, 5, 8, 9]
for x in xs:
    add('normal_cdf', x, None, ncdf(x))
    add('normal_pdf', x, None, mp.exp(-mp.mpf(x) ** 2 / 2) / mp.sqrt(2 * mp.pi))
for p in [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-12, 1e-8, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.55, 0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 0.99999, 1 - 1e-12]:
    add('normal_quantile', p, None, quantile(ncdf, p, 0))
dofs = [0.5, 1, 1.5, 2, 2.5, 3.7, 5, 10, 29.3, 100, 1234.5, 99999, 1e5, 3e5, 1e6, 1e7, 1e9]
for nu in dofs:
    for x in [-1e6, -1000, -50, -12, -6, -3, -2.05, -1, -0.3, -1e-6, 0.3, 1, 2.05, 3, 6, 12, 50, 1000]:
        add('t_cdf', x, nu, tcdf(x, nu))
    for p in [1e-100, 1e-30, 1e-12, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-9]:
        add('t_quantile', p, nu, quantile(lambda x: tcdf(x, nu), p, 0))
for k in [1, 2, 3, 4, 5, 7.5, 10, 50, 300]:
    for x in [1e-6, 0.01, 0.5, 1, 2, 3.84, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]:
        add('chisquare_survival', x, k, mp.gammainc(mp.mpf(k) / 2, mp.mpf(x) / 2, mp.inf, regularized=True))

with open('reference-distributions.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['function', 'arg1', 'arg2', 'value'])
    w.writerows(rows)
print(len(rows), 'rows, mpmath', mp.__version__)
