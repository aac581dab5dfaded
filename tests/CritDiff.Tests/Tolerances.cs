namespace CritDiff.Tests;

/// <summary>Named tolerances, each with the reason for its size.</summary>
internal static class Tolerances
{
    /// <summary>Closed forms and exact sums evaluated in double precision: a few hundred ulps of accumulated rounding.</summary>
    public const double ClosedForm = 1e-12;

    /// <summary>Dense V x V inversion (LU, V &lt;= 64) against spectral sums: condition number ~ 1/mu2 times 1e-16.</summary>
    public const double DenseBruteForce = 1e-11;

    /// <summary>FFT against a naive O(V^2) DFT: O(log V) rounding per transform, relative to the L2 norm.</summary>
    public const double Fourier = 1e-12;

    /// <summary>beta_c(d) against the reference values of SCIENCE.md section 9 (the issue asks 1e-10).</summary>
    public const double CriticalCoupling = 1e-10;

    /// <summary>
    /// Spectrally convergent quadrature (trapezoid rule on periodic or fast-decaying smooth integrands, Gauss-Legendre)
    /// against closed forms: the rules used converge far below this; it leaves room for the summed rounding of ~1e6 terms.
    /// </summary>
    public const double Quadrature = 1e-10;

    /// <summary>Stochastic checks with fixed seeds: a deviation of more than 4 standard errors fails (p ~ 6e-5 per check).</summary>
    public const double StandardErrors = 4;
}
