using System.Text.Json;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.MonteCarlo;

namespace CritDiff.Reporting;

/// <summary>
/// summary.json of <c>critdiff reproduce</c> (also the object --json prints): the claims with their verdicts, and the
/// results of every stage of the run (<see cref="ReproduceRun"/>), numbers as they are measured, NaN as null.
/// </summary>
public static class ReproduceJson
{
    /// <summary>The summary of a finished run with its <paramref name="claims"/> and <paramref name="wallSeconds"/>.</summary>
    public static JsonObject Summary(ReproduceRun run, IReadOnlyList<ClaimVerdict> claims, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(claims);
        var stability = ReproduceReport.Require(run.Stability, "stability scans");
        var beyond = ReproduceReport.Require(run.BeyondGaussian, "beyond-Gaussian study");
        return new JsonObject
        {
            ["quick"] = run.Quick,
            ["seed"] = run.Seed,
            ["claims"] = new JsonArray(claims.Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = c.Id, ["statement"] = c.Statement, ["verdict"] = c.Verdict, ["reproduced"] = c.Reproduced,
                ["evidence"] = c.Evidence, ["criterion"] = c.Criterion,
            }).ToArray()),
            ["experiments"] = new JsonArray(run.Sweeps.Select(w => (JsonNode?)ScalingFolder.SummaryJson(w.Summary, run.PathOf(w.Spec.Name))).ToArray()),
            ["sampling"] = new JsonArray(ReproduceReport.Require(run.SamplerCheck, "exact-sampler check").Select(s => (JsonNode?)Sampling(s)).ToArray()),
            ["sgd_stability"] = new JsonArray(stability.Optimizers.Append(stability.OneLayerSgd).Select(sc => (JsonNode?)StabilitySummary.Build(sc)).ToArray()),
            ["local_architectures"] = Local(ReproduceReport.Require(run.Local, "local-architecture study")),
            ["local_sgd_stability"] = new JsonArray(ReproduceReport.Require(run.LocalSgd, "local SGD scans").Select(sc => (JsonNode?)StabilitySummary.Build(sc)).ToArray()),
            ["mcmc_baseline"] = new JsonArray(ReproduceReport.Require(run.McmcBaseline, "Monte Carlo baseline").Select(sc => (JsonNode?)Baseline(sc)).ToArray()),
            ["beyond_gaussian"] = Beyond(beyond.Spec, beyond.Points),
            ["nonlinear"] = Nonlinear(ReproduceReport.Require(run.Nonlinear, "nonlinear study").Result),
            ["quality"] = QualityJsonSummary.Of(ReproduceReport.Require(run.Quality, "quality study").Result),
            ["cost"] = CostReport.Json(ReproduceReport.Require(run.Cost, "cost study").Result),
            ["out"] = run.Folder,
            ["wall_seconds"] = wallSeconds,
        };
    }

    private static JsonObject Sampling(SamplerCheckRun run)
    {
        var z = new JsonObject();
        foreach (var (key, exact, stats) in ReproduceReport.Observables(run))
            z[key] = JsonNumber.Of(stats.StandardScore(exact));
        var o = TargetSummary.Samples(run.Field, run.Configurations, null, run.Seed, run.Measured, 0);
        o.Remove("out");
        o.Remove("wall_seconds");
        o["name"] = run.Model.Name;
        o["z_scores"] = z;
        return o;
    }

    private static JsonObject Baseline(AutocorrelationScan scan) => new()
    {
        ["algo"] = scan.Algorithm, ["z"] = JsonNumber.Of(scan.DynamicExponent), ["z_err"] = JsonNumber.Of(scan.DynamicExponentError),
        ["L"] = new JsonArray(scan.Runs.Select(r => (JsonNode?)r.Field.Lattice.Length).ToArray()),
        ["tau_M2"] = new JsonArray(scan.Runs.Select(r => JsonNumber.Of(r.TauMagnetisationSquared.Mean)).ToArray()),
        ["tau_M2_err"] = new JsonArray(scan.Runs.Select(r => JsonNumber.Of(r.TauMagnetisationSquared.Error)).ToArray()),
    };

    private static JsonArray Beyond(BeyondGaussianSpec spec, IReadOnlyList<BeyondGaussianPoint> points) =>
        new(spec.Series.Select(series =>
        {
            var (fits, chi) = BeyondGaussianStudy.Fit(points, series.Name);
            var rows = points.Where(p => p.Series == series.Name).OrderBy(p => p.Length).ToArray();
            var o = new JsonObject
            {
                ["series"] = series.Name,
                ["n"] = series.Components == 0 ? null : series.Components,
                ["d"] = series.Dimension,
                ["L"] = new JsonArray(rows.Select(p => (JsonNode?)p.Length).ToArray()),
                ["chi"] = new JsonArray(rows.Select(p => JsonNumber.Of(p.Susceptibility.Value)).ToArray()),
                ["chi_err"] = new JsonArray(rows.Select(p => JsonNumber.Of(p.Susceptibility.Error)).ToArray()),
                ["chi_exponent"] = JsonNumber.Of(chi?.PowerExponent),
                ["chi_exponent_err"] = JsonNumber.Of(chi?.PowerExponentError),
                ["predicted_exponent"] = series.PredictedExponent,
            };
            foreach (var (arch, fit) in fits)
            {
                var training = rows.Select(p => p.Training.First(t => t.Architecture == arch)).ToArray();
                o[arch] = new JsonObject
                {
                    ["steps"] = new JsonArray(training.Select(t => (JsonNode?)t.Steps).ToArray()),
                    ["steps_err"] = new JsonArray(training.Select(t => JsonNumber.Of(t.StepsError)).ToArray()),
                    ["predicted_steps"] = new JsonArray(training.Select(t => (JsonNode?)t.PredictedSteps).ToArray()),
                    ["power_exponent"] = JsonNumber.Of(fit?.PowerExponent),
                    ["power_exponent_err"] = JsonNumber.Of(fit?.PowerExponentError),
                    ["log_slope"] = JsonNumber.Of(fit?.LogSlope),
                };
            }
            return (JsonNode?)o;
        }).ToArray());

    private static JsonObject Nonlinear(NonlinearResult result) => new()
    {
        ["spec"] = JsonFormats.SerializeToNode(result.Spec),
        ["ensembles"] = JsonFormats.SerializeToNode(result.Ensembles.Select(e => e with { Magnetisations = [] }).ToArray()),
        ["training"] = JsonFormats.SerializeToNode(result.Training),
        ["slowest"] = JsonFormats.SerializeToNode(result.Slowest()),
        ["training_summary"] = JsonFormats.SerializeToNode(result.Summaries()),
        ["fits"] = new JsonArray(result.Networks().Select(n => result.Fit(n.Architecture, n.Optimizer)).Select((f, i) => (JsonNode?)new JsonObject
        {
            ["arch"] = result.Networks()[i].Architecture,
            ["optimizer"] = result.Networks()[i].Optimizer,
            ["power_exponent"] = JsonNumber.Of(f?.PowerExponent.Mean),
            ["power_exponent_err"] = JsonNumber.Of(f?.PowerExponent.Error),
            ["log_slope"] = JsonNumber.Of(f?.LogSlope.Mean),
            ["log_slope_err"] = JsonNumber.Of(f?.LogSlope.Error),
            ["replica_exponents"] = new JsonArray((f?.ReplicaExponents ?? []).Select(p => JsonNumber.Of(p)).ToArray()),
            ["has_bounds"] = f?.HasBounds,
            ["measured"] = f?.Measured,
        }).ToArray()),
        ["generation"] = JsonFormats.SerializeToNode(result.Generation),
        ["generation_summary"] = JsonFormats.SerializeToNode(result.GenerationSummaries()),
        ["wall_seconds"] = result.WallSeconds,
        ["reused"] = result.Reused,
    };

    private static JsonObject Local(LocalStudyResult study) => new()
    {
        ["sizes"] = new JsonArray(study.Spec.Sizes.Select(l => (JsonNode?)l).ToArray()),
        ["t"] = study.Spec.Time,
        ["networks"] = new JsonArray(study.Fits.Select(f => (JsonNode?)new JsonObject
        {
            ["arch"] = f.Candidate.Architecture.Name,
            ["start"] = f.Candidate.Start,
            ["params_at_largest_L"] = f.Parameters,
            ["optimum_gap_to_exact_at_largest_L"] = JsonNumber.Of(f.GapAtLargest),
            ["steps"] = new JsonArray(study.Rows.Where(r => r.Candidate == f.Candidate).OrderBy(r => r.Length).Select(r => (JsonNode?)r.Steps).ToArray()),
            ["optimum_gap_to_exact"] = new JsonArray(study.Rows.Where(r => r.Candidate == f.Candidate).OrderBy(r => r.Length).Select(r => JsonNumber.Of(r.OptimumGap)).ToArray()),
            ["converged"] = f.AllConverged,
            ["steps_power_exponent"] = JsonNumber.Of(f.Fit?.PowerExponent ?? double.NaN),
            ["steps_log_slope"] = JsonNumber.Of(f.Fit?.LogSlope ?? double.NaN),
            ["preferred"] = f.Fit?.Preferred,
            ["keeps_speed_up"] = f.KeepsSpeedUp(),
        }).ToArray()),
    };
}
