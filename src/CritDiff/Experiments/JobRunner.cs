using System.Diagnostics;
using CritDiff.Diffusion;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>Runs one job of a <see cref="ScalingSpec"/>: training time, budget curve, history and r(k).</summary>
public static class JobRunner
{
    /// <summary>Most history rows kept per job (log-spaced in the step).</summary>
    public const int HistoryPoints = 200;

    /// <summary>Runs <paramref name="job"/> on one thread (sweeps parallelise over jobs).</summary>
    public static JobResult Run(ScalingSpec spec, ScalingJob job, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(job);
        var clock = Stopwatch.StartNew();
        var field = spec.Family.Build(new Lattice(spec.Dimension, job.Length));
        if (spec.Samples) return OnSamples(spec, job, field, clock, cancellation);
        var process = spec.Process;
        var architecture = job.Architecture.MomentArchitecture ?? throw new ArgumentException(StudyTraining.NeedsSamples(job.Architecture));
        double finalTime = process.AutoFinalTime(field.Susceptibility, 1e-3);
        var grid = spec.Time is { } t ? TimeGrid.Single(t) : TimeGrid.LogSpaced(spec.Slices, spec.MinTime, finalTime);
        var config = spec.Config(job.SeedIndex);
        var trained = Trainer.Train(new TrainingProblem(field, process, grid, architecture), config, null, 1, cancellation);
        var slowest = trained.Slices.MaxBy(s => s.Steps)!;
        bool allPredicted = trained.Slices.All(s => s.Moments!.PredictedSteps is not null);

        var generationGrid = TimeGrid.LogSpaced(spec.GenerationSlices, spec.MinTime, finalTime);
        var settings = new GenerationSettings(Samplers.ExponentialIntegrator, spec.GenerationSteps, finalTime, spec.MinTime);
        var curve = TrainingBudget.Sweep(new TrainingProblem(field, process, generationGrid, architecture), config,
            spec.BudgetCurve, settings, interpolate: true, maxDegreeOfParallelism: 1);
        var atBudget = curve.First(p => p.Steps == spec.Budget);
        var exactLaw = new GeneratedLaw(field.Lattice, new ReverseProcess(field.Lattice, process,
            ScoreSchedule.ExactOnGrid(field, process, generationGrid, interpolate: true), settings).GeneratedVariance());

        return new JobResult
        {
            Index = job.Index,
            Architecture = job.Architecture.Name,
            Length = job.Length,
            SeedIndex = job.SeedIndex,
            Parameters = architecture.ParameterCount(field.Lattice),
            Steps = trained.StepsMax,
            PredictedSteps = allPredicted ? trained.Slices.Max(s => s.Moments!.PredictedSteps) : null,
            Converged = trained.AllConverged,
            Diverged = trained.FirstDiverged is not null,
            LearningRate = JobResult.Finite(slowest.LearningRate),
            LearningRateRule = slowest.LearningRateRule,
            OptimumGapToExact = JobResult.Finite(trained.Slices.Max(s => s.Moments!.OptimumGapToExact)),
            FinalExcess = JobResult.Finite(slowest.FinalExcess),
            KlAtBudget = JobResult.Finite(atBudget.KlPerSite),
            KlExactScore = JobResult.Finite(exactLaw.KlPerSite(process.NoisedSpectrumTable(field.SpectrumTable(), spec.MinTime))),
            WallSeconds = clock.Elapsed.TotalSeconds,
            BudgetCurve = curve.Select(p => new BudgetCurvePoint(p.Steps, JobResult.Finite(p.KlPerSite), JobResult.Finite(p.KlPerSiteVsData))).ToArray(),
            History = Thin(slowest.History),
            RatioAtBudget = Shells(field.Lattice, atBudget.Ratio),
        };
    }

    /// <summary>
    /// A job on samples: every slice trained by denoising score matching on exact samples of the field (one thread, streams
    /// from the seed index) until <see cref="StudyTraining.Rule"/>; the training time is the largest over slices (the cap
    /// where a slice did not converge). The moment closed forms (theory, optimum gap, exact-law budget curve, r(k)) need
    /// the moment objective, so they are absent here; the exact score's KL is the network's target and is kept.
    /// </summary>
    private static JobResult OnSamples(ScalingSpec spec, ScalingJob job, Fields.GaussianField field, Stopwatch clock, CancellationToken cancellation)
    {
        var process = spec.Process;
        double finalTime = process.AutoFinalTime(field.Susceptibility, 1e-3);
        var grid = spec.Time is { } t ? TimeGrid.Single(t) : TimeGrid.LogSpaced(spec.Slices, spec.MinTime, finalTime);
        var network = job.Architecture;
        var rule = StudyTraining.Rule(network, field);
        var slices = SampleTrainer.TrainSlices(network.Create(field.Lattice, field.Components, 1), new GaussianSource(field), process, grid,
            spec.SampleConfig(job.SeedIndex), rule, 1, cancellation);
        var slowest = slices.MaxBy(s => s.StepsToEps ?? s.StepsRun)!;
        var generationGrid = TimeGrid.LogSpaced(spec.GenerationSlices, spec.MinTime, finalTime);
        var settings = new GenerationSettings(Samplers.ExponentialIntegrator, spec.GenerationSteps, finalTime, spec.MinTime);
        var exactLaw = new GeneratedLaw(field.Lattice, new ReverseProcess(field.Lattice, process,
            ScoreSchedule.ExactOnGrid(field, process, generationGrid, interpolate: true), settings).GeneratedVariance());
        return new JobResult
        {
            Index = job.Index,
            Architecture = network.Name,
            Length = job.Length,
            SeedIndex = job.SeedIndex,
            Parameters = network.ParameterCount(field.Lattice, field.Components),
            Steps = slowest.StepsToEps ?? slowest.StepsRun,
            Converged = slices.All(s => s.Converged),
            Diverged = slices.Any(s => s.Diverged),
            LearningRate = JobResult.Finite(slowest.LearningRate),
            LearningRateRule = slowest.LearningRateRule,
            FinalExcess = JobResult.Finite(slowest.FinalExcess),
            KlExactScore = JobResult.Finite(exactLaw.KlPerSite(process.NoisedSpectrumTable(field.SpectrumTable(), spec.MinTime))),
            WallSeconds = clock.Elapsed.TotalSeconds,
            BudgetCurve = [],
            History = Thin(slowest.History.Select(h => (h.Step, h.Excess)).ToArray()),
            RatioAtBudget = [],
            StoppingRule = rule.Name,
        };
    }

    /// <summary>Keeps about <see cref="HistoryPoints"/> rows, log-spaced in the step, always the first and last.</summary>
    private static ExcessPoint[] Thin(IReadOnlyList<HistoryRow> history) => Thin(history.Select(h => (h.Step, h.Excess)).ToArray());

    private static ExcessPoint[] Thin(IReadOnlyList<(int Step, double Excess)> history)
    {
        var kept = new List<ExcessPoint>();
        int last = -1;
        double factor = Math.Pow(Math.Max(2, history.Count), 1.0 / HistoryPoints);
        double next = 0;
        for (int i = 0; i < history.Count; i++)
        {
            if (i < next && i != history.Count - 1) continue;
            if (i == last) continue;
            kept.Add(new ExcessPoint(history[i].Step, JobResult.Finite(history[i].Excess)));
            last = i;
            next = Math.Max(i + 1, i * factor);
        }
        return kept.ToArray();
    }

    /// <summary>r(k) averaged over shells of |k| (k_mu taken in (-pi, pi]), one point per distinct |k| rounded to 1e-9.</summary>
    private static RatioPoint[] Shells(Lattice lattice, double[] ratio)
    {
        var shells = new SortedDictionary<double, (double Sum, int Count)>();
        for (int k = 0; k < ratio.Length; k++)
        {
            double norm2 = 0;
            for (int mu = 0; mu < lattice.Dimension; mu++)
            {
                double q = lattice.Momentum(k, mu);
                if (q > Math.PI) q -= 2 * Math.PI;
                norm2 += q * q;
            }
            double key = Math.Round(Math.Sqrt(norm2), 9);
            shells[key] = shells.TryGetValue(key, out var s) ? (s.Sum + ratio[k], s.Count + 1) : (ratio[k], 1);
        }
        return shells.Select(p => new RatioPoint(p.Key, p.Value.Sum / p.Value.Count)).ToArray();
    }
}
