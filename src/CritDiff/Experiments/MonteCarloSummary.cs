using System.Text.Json.Nodes;
using CritDiff.MonteCarlo;

namespace CritDiff.Experiments;

/// <summary>
/// The JSON summaries of the Monte Carlo commands (<c>mcmc</c>, <c>mcmc-scaling</c>, <c>ensemble</c>, <c>critical</c>):
/// settings, integrated autocorrelation times, observables with errors and their references. Numbers that are not finite
/// are null (docs/json.md).
/// </summary>
public static class MonteCarloSummary
{
    /// <summary>A Gaussian-field run (<c>mcmc</c>): settings, tau_int of M^2 and the energy, chi and energy against their exact and stationary values.</summary>
    public static JsonObject Gaussian(McmcResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new JsonObject
        {
            ["algo"] = r.Algorithm,
            ["valid"] = r.IsValid,
            ["warnings"] = JsonNumber.Texts(r.Warnings),
            ["sweeps"] = r.Settings.Sweeps,
            ["thermalize"] = r.Settings.Thermalization,
            ["chains"] = r.Settings.Chains,
            ["seed"] = r.Settings.Seed,
            ["step_size"] = JsonNumber.Of(r.StepSize),
            ["chain_step_sizes"] = JsonNumber.Array(r.ChainStepSizes),
            ["chain_leapfrog_steps"] = JsonNumber.Integers(r.ChainLeapfrogSteps),
            ["acceptance"] = JsonNumber.Of(r.Acceptance),
            ["tau_M2"] = JsonNumber.Of(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = JsonNumber.Of(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = JsonNumber.Of(r.TauEnergy.Mean),
            ["tau_energy_err"] = JsonNumber.Of(r.TauEnergy.Error),
            ["chains_agree"] = r.ChainAgreement?.Agree,
            ["chain_agreement"] = r.ChainAgreement?.ToJson(),
            ["observables"] = new JsonObject
            {
                ["chi"] = JsonNumber.Of(r.Susceptibility.Mean),
                ["chi_err"] = JsonNumber.Of(r.Susceptibility.Error),
                ["energy"] = JsonNumber.Of(r.Energy.Mean),
                ["energy_err"] = JsonNumber.Of(r.Energy.Error),
            },
            ["exact"] = new JsonObject
            {
                ["chi"] = JsonNumber.Of(r.Field.Susceptibility),
                ["energy"] = JsonNumber.Of(r.Field.Energy),
            },
            ["stationary"] = new JsonObject
            {
                ["chi"] = JsonNumber.Of(r.StationarySusceptibility),
                ["energy"] = JsonNumber.Of(r.StationaryEnergy),
            },
            ["model"] = TargetSummary.Gaussian(r.Field),
            ["ess_per_second"] = JsonNumber.Of(r.EffectiveSamplesPerSecond),
            ["wall_seconds"] = r.WallSeconds,
        };
    }

    /// <summary>
    /// A finite-n run (<c>mcmc --model on/phi4</c>): settings, tau_int, observables with errors, the reference
    /// (<see cref="ModelReference"/>), the histogram of M, validity, and spectrum_out (the file the spectrum went to, or null).
    /// </summary>
    public static JsonObject Model(ModelMcmcResult r, string? spectrumOut = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        var e = r.Estimates;
        var observables = new JsonObject();
        foreach (var (name, value) in new[]
        {
            ("abs_M", e.Magnetisation), ("M2", e.MagnetisationSquared), ("chi", e.Susceptibility), ("binder", e.Binder),
            ("xi2", e.SecondMomentLength), ("energy", e.Energy), ("G_k1", e.FirstModePower),
        })
        {
            observables[name] = JsonNumber.Of(value.Mean);
            observables[name + "_err"] = JsonNumber.Of(value.Error);
        }
        return new JsonObject
        {
            ["algo"] = r.Algorithm,
            ["model"] = TargetSummary.Of(r.Model),
            ["sweeps"] = r.Settings.Sweeps,
            ["thermalize"] = r.Settings.Thermalization,
            ["chains"] = r.Settings.Chains,
            ["seed"] = r.Settings.Seed,
            ["step_size"] = JsonNumber.Of(r.StepSize),
            ["acceptance"] = JsonNumber.Of(r.Acceptance),
            ["tau_M2"] = JsonNumber.Of(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = JsonNumber.Of(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = JsonNumber.Of(r.TauEnergy.Mean),
            ["tau_energy_err"] = JsonNumber.Of(r.TauEnergy.Error),
            ["block_sweeps"] = r.BlockLength,
            ["blocks"] = r.BlockCount,
            ["observables"] = observables,
            ["reference"] = ModelReference.Of(r.Model)?.ToJson(),
            ["histogram"] = new JsonObject
            {
                ["of"] = r.Model.Components == 1 ? "M" : "|M|",
                ["lower"] = r.Histogram.Layout.Lower,
                ["upper"] = r.Histogram.Layout.Upper,
                ["bins"] = r.Histogram.Layout.Bins,
                ["counts"] = new JsonArray(r.Histogram.Counts.Select(c => (JsonNode?)c).ToArray()),
                ["underflow"] = r.Histogram.Underflow,
                ["overflow"] = r.Histogram.Overflow,
            },
            ["site_updates"] = r.SiteUpdates,
            ["site_updates_per_second"] = JsonNumber.Of(r.SiteUpdatesPerSecond),
            ["ess_per_second"] = JsonNumber.Of(r.EffectiveSamplesPerSecond),
            ["valid"] = r.IsValid,
            ["warnings"] = JsonNumber.Texts(r.Warnings),
            ["chains_agree"] = r.ChainAgreement?.Agree,
            ["chain_agreement"] = r.ChainAgreement?.ToJson(),
            ["wall_seconds"] = r.WallSeconds,
            ["spectrum_out"] = spectrumOut,
        };
    }

    /// <summary>
    /// <c>mcmc-scaling</c> on the Gaussian field: d, L, settings, the z fit of each algorithm (null for an algorithm in
    /// <paramref name="invalid"/>: a run of it is invalid) and one row per (algorithm, L).
    /// </summary>
    public static JsonObject GaussianScaling(int d, IReadOnlyList<int> sizes, McmcSettings settings, IReadOnlyList<AutocorrelationScan> scans,
        IReadOnlySet<string> invalid)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scans);
        var summary = ScalingHeader(d, sizes, settings.Sweeps, settings.Thermalization, settings.Chains, settings.Seed,
            scans.Select(s => (s.Algorithm, s.DynamicExponent, s.DynamicExponentError)), invalid);
        summary["rows"] = new JsonArray(scans.SelectMany(s => s.Runs).Select(r => (JsonNode)new JsonObject
        {
            ["algo"] = r.Algorithm,
            ["L"] = r.Field.Lattice.Length,
            ["mu2"] = JsonNumber.Of(r.Field.MassSquared),
            ["tau_M2"] = JsonNumber.Of(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = JsonNumber.Of(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = JsonNumber.Of(r.TauEnergy.Mean),
            ["tau_energy_err"] = JsonNumber.Of(r.TauEnergy.Error),
            ["acceptance"] = JsonNumber.Of(r.Acceptance),
            ["step_size"] = JsonNumber.Of(r.StepSize),
            ["valid"] = r.IsValid,
            ["wall_seconds"] = r.WallSeconds,
        }).ToArray());
        return summary;
    }

    /// <summary><c>mcmc-scaling</c> on a finite-n family: as <see cref="GaussianScaling"/>, with the model at the first L and chi and Binder U per row.</summary>
    public static JsonObject ModelScaling(int d, IReadOnlyList<int> sizes, ModelMcmcSettings settings, IReadOnlyList<ModelAutocorrelationScan> scans,
        IReadOnlySet<string> invalid)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scans);
        var summary = ScalingHeader(d, sizes, settings.Sweeps, settings.Thermalization, settings.Chains, settings.Seed,
            scans.Select(sc => (sc.Algorithm, sc.DynamicExponent, sc.DynamicExponentError)), invalid);
        summary["model"] = TargetSummary.Of(scans[0].Runs[0].Model);
        summary["rows"] = new JsonArray(scans.SelectMany(s => s.Runs).Select(r => (JsonNode)new JsonObject
        {
            ["algo"] = r.Algorithm,
            ["L"] = r.Model.Lattice.Length,
            ["tau_M2"] = JsonNumber.Of(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = JsonNumber.Of(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = JsonNumber.Of(r.TauEnergy.Mean),
            ["tau_energy_err"] = JsonNumber.Of(r.TauEnergy.Error),
            ["chi"] = JsonNumber.Of(r.Estimates.Susceptibility.Mean),
            ["chi_err"] = JsonNumber.Of(r.Estimates.Susceptibility.Error),
            ["binder"] = JsonNumber.Of(r.Estimates.Binder.Mean),
            ["binder_err"] = JsonNumber.Of(r.Estimates.Binder.Error),
            ["acceptance"] = JsonNumber.Of(r.Acceptance),
            ["site_updates_per_second"] = JsonNumber.Of(r.SiteUpdatesPerSecond),
            ["valid"] = r.IsValid,
            ["wall_seconds"] = r.WallSeconds,
        }).ToArray());
        return summary;
    }

    /// <summary>The settings and the z fits, shared by the Gaussian and the finite-n outputs; the caller adds "rows".</summary>
    private static JsonObject ScalingHeader(int d, IReadOnlyList<int> sizes, int sweeps, int thermalize, int chains, ulong seed,
        IEnumerable<(string Algorithm, double Z, double ZError)> fits, IReadOnlySet<string> invalid)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(invalid);
        return new JsonObject
        {
            ["d"] = d,
            ["L"] = new JsonArray(sizes.Select(l => (JsonNode)l).ToArray()),
            ["sweeps"] = sweeps,
            ["thermalize"] = thermalize,
            ["chains"] = chains,
            ["seed"] = seed,
            ["fits"] = new JsonArray(fits.Select(f => (JsonNode)new JsonObject
            {
                ["algo"] = f.Algorithm,
                ["z"] = invalid.Contains(f.Algorithm) ? null : JsonNumber.Of(f.Z),
                ["z_err"] = invalid.Contains(f.Algorithm) ? null : JsonNumber.Of(f.ZError),
                ["valid"] = !invalid.Contains(f.Algorithm),
            }).ToArray()),
        };
    }

    /// <summary>An ensemble written to <paramref name="path"/> and its side-car (<c>ensemble</c>): shape, model, spacing, tau_int, observables with errors, the chain comparison.</summary>
    public static JsonObject Ensemble(Ensemble r, string path, string sideCarPath)
    {
        ArgumentNullException.ThrowIfNull(r);
        var e = r.Estimates;
        var observables = new JsonObject();
        foreach (var (key, value) in new[]
        {
            ("abs_M", e.Magnetisation), ("chi", e.Susceptibility), ("binder", e.Binder), ("xi2", e.SecondMomentLength), ("energy", e.Energy),
        })
        {
            observables[key] = JsonNumber.Of(value.Mean);
            observables[key + "_err"] = JsonNumber.Of(value.Error);
        }
        return new JsonObject
        {
            ["out"] = path,
            ["side_car"] = sideCarPath,
            ["shape"] = JsonNumber.Integers(r.Shape),
            ["model"] = TargetSummary.Of(r.Model),
            ["algo"] = r.Algorithm,
            ["seed"] = r.Settings.Seed,
            ["chains"] = r.Settings.Chains,
            ["spacing"] = r.Spacing,
            ["tau_M2"] = JsonNumber.Of(r.TauMagnetisationSquared.Mean),
            ["tau_M2_err"] = JsonNumber.Of(r.TauMagnetisationSquared.Error),
            ["tau_energy"] = JsonNumber.Of(r.TauEnergy.Mean),
            ["tau_energy_err"] = JsonNumber.Of(r.TauEnergy.Error),
            ["tau_M2_at_spacing"] = JsonNumber.Of(r.TauAtSpacing?.Mean),
            ["observables"] = observables,
            ["acceptance"] = JsonNumber.Of(r.Acceptance),
            ["site_updates"] = r.SiteUpdates,
            ["warnings"] = JsonNumber.Texts(r.Warnings),
            ["chains_agree"] = r.ChainAgreement?.Agree,
            ["chain_agreement"] = r.ChainAgreement?.ToJson(),
            ["wall_seconds"] = r.WallSeconds,
        };
    }

    /// <summary>
    /// A critical-point search (<c>critical</c>): <see cref="CriticalPointFinder.Summary"/> with the run folder, the jobs reused
    /// from an earlier run, and the literature coupling (null where none is known).
    /// </summary>
    public static JsonObject Critical(CriticalPointResult result, string folder, int reusedJobs, double? literature)
    {
        var summary = CriticalPointFinder.Summary(result);
        summary["out"] = folder;
        summary["reused_jobs"] = reusedJobs;
        summary["literature"] = literature is { } lit ? JsonNumber.Of(lit) : null;
        return summary;
    }
}
