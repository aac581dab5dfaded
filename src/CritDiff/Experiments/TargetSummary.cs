using System.Text.Json.Nodes;
using CritDiff.Fields;

namespace CritDiff.Experiments;

/// <summary>
/// The JSON description of a target that <c>critdiff model</c> prints and the other commands embed as "model": the exact
/// observables of the Gaussian field, or the couplings and literature critical point of a finite-n target.
/// </summary>
public static class TargetSummary
{
    /// <summary>The Gaussian field: d, L, V, beta, mu2, xi, xi2, chi, energy, G0, beta_c, parameterisation, free_field.</summary>
    public static JsonObject Gaussian(GaussianField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new JsonObject
        {
            ["d"] = field.Lattice.Dimension,
            ["L"] = field.Lattice.Length,
            ["V"] = field.Lattice.SiteCount,
            ["beta"] = JsonNumber.Of(field.Beta),
            ["mu2"] = JsonNumber.Of(field.MassSquared),
            ["xi"] = JsonNumber.Of(field.CorrelationLength),
            ["xi2"] = JsonNumber.Of(field.SecondMomentCorrelationLength),
            ["chi"] = JsonNumber.Of(field.Susceptibility),
            ["energy"] = JsonNumber.Of(field.Energy),
            ["G0"] = JsonNumber.Of(field.LocalVariance),
            ["beta_c"] = JsonNumber.Of(field.CriticalBeta),
            ["parameterisation"] = field.Parameterisation,
            ["free_field"] = field.IsFreeField,
        };
    }

    /// <summary>
    /// Any target: kind, n, d, L, V and the couplings (O(n) spins: beta, beta_unit, parameterisation, the literature
    /// beta_unit_c and beta_c with their source, and the n -> inf beta_c; phi^4: kappa, lambda); the Gaussian field as
    /// <see cref="Gaussian"/> with kind "gaussian" last.
    /// </summary>
    public static JsonObject Of(LatticeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is GaussianField field)
        {
            var g = Gaussian(field);
            g["kind"] = "gaussian";
            return g;
        }
        var o = new JsonObject
        {
            ["kind"] = model.Kind,
            ["n"] = model.Components,
            ["d"] = model.Lattice.Dimension,
            ["L"] = model.Lattice.Length,
            ["V"] = model.Lattice.SiteCount,
        };
        switch (model)
        {
            case SpinModel s:
                o["beta"] = JsonNumber.Of(s.Beta);
                o["beta_unit"] = JsonNumber.Of(s.BetaUnit);
                o["parameterisation"] = s.Parameterisation;
                var point = LiteratureCriticalPoints.Of(s.Lattice.Dimension, s.Components);
                o["beta_unit_c"] = point is null ? null : JsonNumber.Of(point.BetaUnit);
                o["beta_c"] = point is null ? null : JsonNumber.Of(point.BetaUnit / s.Components);
                o["critical_point_source"] = point?.Source;
                o["beta_c_n_inf"] = JsonNumber.Of(CriticalCoupling.Of(s.Lattice.Dimension));
                break;
            case Phi4Model p:
                o["kappa"] = JsonNumber.Of(p.Kappa);
                o["lambda"] = JsonNumber.Of(p.Lambda);
                break;
        }
        return o;
    }

    /// <summary>
    /// The summary of N exact samples of <paramref name="field"/> (<c>critdiff sample</c>): n, out, seed, model, the measured
    /// chi, xi2, energy and G0 with errors (null for N = 1), their exact values, wall_seconds.
    /// </summary>
    public static JsonObject Samples(GaussianField field, int n, string? path, ulong seed, FieldMeasurement? m, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new JsonObject
        {
            ["n"] = n,
            ["out"] = path,
            ["seed"] = seed,
            ["model"] = Gaussian(field),
            ["measured"] = new JsonObject
            {
                ["chi"] = JsonNumber.Of(m?.Susceptibility.Mean),
                ["chi_err"] = JsonNumber.Of(m?.Susceptibility.Error),
                ["xi2"] = JsonNumber.Of(m?.SecondMomentLength.Mean),
                ["xi2_err"] = JsonNumber.Of(m?.SecondMomentLength.Error),
                ["energy"] = JsonNumber.Of(m?.Energy.Mean),
                ["energy_err"] = JsonNumber.Of(m?.Energy.Error),
                ["G0"] = JsonNumber.Of(m?.LocalVariance.Mean),
                ["G0_err"] = JsonNumber.Of(m?.LocalVariance.Error),
            },
            ["exact"] = new JsonObject
            {
                ["chi"] = JsonNumber.Of(field.Susceptibility),
                ["xi2"] = JsonNumber.Of(field.SecondMomentCorrelationLength),
                ["energy"] = JsonNumber.Of(field.Energy),
                ["G0"] = JsonNumber.Of(field.LocalVariance),
            },
            ["wall_seconds"] = wallSeconds,
        };
    }
}
