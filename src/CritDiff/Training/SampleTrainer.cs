using System.Diagnostics;
using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Trains score models per time slice by denoising score matching on samples (docs/science.md sections 4, 6 and 10): minibatches
/// of B configurations x_0 from a <see cref="SampleSource"/> with fresh noise z, any <see cref="Optimizer"/>, the validation
/// loss on a fixed set (x_0 and z drawn once per slice from their own stream) every <see cref="SampleTrainingConfig.EvalInterval"/>
/// steps, and the training time from a pluggable <see cref="StoppingRule"/> (default <see cref="ValidationExcessRule"/>).
/// A non-finite loss stops the slice as diverged; the step cap ends it as not converged. Streams of slice j: training
/// (Seed, j), validation, start and reference runs (Seed xor fixed salts, j); sources are forked per use
/// (<see cref="SampleSource.Fork"/>), so the same seed gives bit-identical results whatever the thread count.
/// </summary>
public static class SampleTrainer
{
    /// <summary>Source streams per slice: validation 0, training 1, reference runs 2..17.</summary>
    private const ulong SourceStreams = 18;

    private const ulong ValidationSalt = 0x7A11DA7EUL, StartSalt = 0x57A127UL, ReferenceSalt = 0x2EFE2E9CEUL;

    /// <summary>
    /// Trains slice <paramref name="sliceIndex"/> at <paramref name="time"/>: start from
    /// <see cref="ScoreModel.Initialize"/> with S_max = a^2 max_k G(k) + b^2 estimated on a fixed number of training
    /// configurations (<see cref="SampleTrainingConfig.StartSampleSize"/>, whatever the validation size), then the
    /// configured optimizer until the rule's excess is &lt;= eps x its initial value or the cap. With a
    /// <paramref name="store"/>, reference runs kept there are not run again, finished ones are kept, and runs (on a
    /// stateless source) are snapshot every <see cref="ISliceProgressStore.SnapshotInterval"/> and resumed from their
    /// latest snapshot: the result is bit-identical to an uninterrupted slice's.
    /// </summary>
    public static SliceResult TrainSlice(ScoreModel model, SampleSource source, ForwardProcess process, double time,
        SampleTrainingConfig config, int sliceIndex, StoppingRule? rule = null, CancellationToken ct = default,
        IProgress<SampleTrainingProgress>? progress = null, ISliceProgressStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(config);
        ForwardProcess.CheckTime(time);
        config.Validate();
        if (sliceIndex < 0) throw new ArgumentOutOfRangeException(nameof(sliceIndex), sliceIndex, "slice index must be >= 0");
        if (source.Lattice != model.Lattice || source.Components != model.Components)
            throw new ArgumentException($"the source draws n = {source.Components} on {source.Lattice}, the model needs n = {model.Components} on {model.Lattice}", nameof(source));
        rule ??= new ValidationExcessRule();
        ulong slice = (ulong)sliceIndex;

        var validation = Validation(source.Fork(SourceStreams * slice), config, slice);
        var start = model.CreateParameters();
        var startRng = new RandomStream(config.Seed ^ StartSalt, slice);
        var startFields = StartFields(source, config, slice, validation);
        model.Initialize(start, MaxNoisedVariance(model.Lattice, startFields, config.StartSampleSize * model.Components, process, time), ref startRng);
        double rate = config.LearningRate ?? Adam.AutoLearningRate;
        string rateRule = config.LearningRate is null ? $"auto: adam default {Adam.AutoLearningRate}" : $"fixed ({config.Optimizer.Name})";
        var dsm = new DenoisingScoreMatching(model, process, time);

        // Reference run r at doubling d (length N_0 2^d) runs on run r's streams (common random numbers across lengths); it is
        // kept in the store as run r + 16 d, so the fixed-length runs (d = 0) keep their numbers.
        var context = new StoppingContext(model, source, process, time, config, sliceIndex, start, (run, doubling) =>
        {
            int key = run + StoppingContext.RunsPerLength * doubling;
            if (store?.FindReference(sliceIndex, key) is { } kept) return kept;
            var rng = new RandomStream(config.Seed ^ (ReferenceSalt + (ulong)run), slice);
            int steps = StoppingContext.ReferenceLength(config, doubling);
            string phase = doubling == 0 ? $"reference run {run + 1}" : $"reference run {run + 1} at {steps} steps";
            var outcome = Run(dsm, source.Fork(SourceStreams * slice + 2 + (ulong)run), start.Clone(), config, rate, steps,
                config.ReferenceFinalRateFraction, rng, validation, null, ct, Reporter(progress, sliceIndex, time, phase),
                Snapshots(store, source, sliceIndex, $"reference{key}"));
            store?.KeepReference(sliceIndex, key, (outcome.Lowest, outcome.Diverged));
            return (outcome.Lowest, outcome.Diverged);
        }, () => dsm.Loss(start, validation.X0, validation.Z, validation.Count));
        var excess = rule.Begin(context);
        var main = Run(dsm, source.Fork(SourceStreams * slice + 1), start.Clone(), config, rate, config.MaxSteps, 1,
            new RandomStream(config.Seed, slice), validation, excess, ct, Reporter(progress, sliceIndex, time, "training"),
            Snapshots(store, source, sliceIndex, "training"));
        var history = main.History;
        return new SliceResult
        {
            Time = time,
            Steps = main.StepsToEps ?? main.StepsRun,
            StepsRun = main.StepsRun,
            Converged = main.StepsToEps is not null,
            Diverged = main.Diverged,
            InitialExcess = history[0].Excess,
            FinalExcess = history[^1].Excess,
            LearningRate = rate,
            LearningRateRule = rateRule,
            History = history,
            Parameters = main.Parameters,
            Samples = new SampleSliceDetails
            {
                InitialValidationLoss = history[0].Loss,
                FinalValidationLoss = history[^1].Loss,
                ReferenceLoss = excess.ReferenceLoss,
                ReferenceUncertainty = excess.ReferenceUncertainty,
                ReferenceRunsDiverged = context.ReferenceRunsDiverged,
                StoppingRule = rule.Name,
                ReferenceSteps = excess.ReferenceSteps,
                ReferenceDrift = excess.ReferenceDrift,
                ReferenceConverged = excess.ReferenceConverged,
            },
        };
    }

    /// <summary>
    /// Trains every slice of <paramref name="grid"/> in parallel (at most <paramref name="maxDegreeOfParallelism"/> at once,
    /// -1 for no limit), each with its own <see cref="ScoreModel.Replica"/> and streams keyed by its index: the results do
    /// not depend on the degree of parallelism.
    /// </summary>
    public static IReadOnlyList<SliceResult> TrainSlices(ScoreModel model, SampleSource source, ForwardProcess process,
        TimeGrid grid, SampleTrainingConfig config, StoppingRule? rule = null, int maxDegreeOfParallelism = -1,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(grid);
        var results = new SliceResult[grid.Count];
        Trainer.ForEachSlice(Enumerable.Range(0, grid.Count).ToArray(), results,
            j => TrainSlice(model.Replica(), source, process, grid.Times[j], config, j, rule, ct), null, maxDegreeOfParallelism, ct);
        return results;
    }

    private static Action<int, int>? Reporter(IProgress<SampleTrainingProgress>? progress, int slice, double time, string phase) =>
        progress is null ? null : (step, steps) => progress.Report(new SampleTrainingProgress(slice, time, phase, step, steps));

    /// <summary>Where one run's snapshots go: the slice's store under the run's name, if the source allows snapshots.</summary>
    private sealed record SnapshotTarget(ISliceProgressStore Store, int Slice, string Run);

    private static SnapshotTarget? Snapshots(ISliceProgressStore? store, SampleSource source, int slice, string run) =>
        store is not null && source.IsStateless ? new SnapshotTarget(store, slice, run) : null;

    private sealed record ValidationSet(double[] X0, double[] Z, int Count);

    private static ValidationSet Validation(SampleSource source, SampleTrainingConfig config, ulong slice)
    {
        var rng = new RandomStream(config.Seed ^ ValidationSalt, slice);
        int count = config.ValidationSize;
        var x0 = new double[(long)count * source.ConfigurationLength];
        var z = new double[x0.Length];
        source.Draw(x0, count, ref rng);
        rng.FillGaussian(z);
        return new ValidationSet(x0, z, count);
    }

    /// <summary>
    /// The <see cref="SampleTrainingConfig.StartSampleSize"/> configurations the start's S_max is estimated on: the first
    /// ones the validation stream draws (the validation set's own when it is at least that large, else drawn again from a
    /// fresh fork of the same stream; every source draws configurations in sequence, so both are the same), whatever the
    /// validation size.
    /// </summary>
    private static double[] StartFields(SampleSource source, SampleTrainingConfig config, ulong slice, ValidationSet validation)
    {
        int count = config.StartSampleSize;
        long length = (long)count * source.ConfigurationLength;
        if (validation.Count >= count) return validation.Count == count ? validation.X0 : validation.X0[..(int)length];
        var rng = new RandomStream(config.Seed ^ ValidationSalt, slice);
        var x0 = new double[length];
        source.Fork(SourceStreams * slice).Draw(x0, count, ref rng);
        return x0;
    }

    /// <summary>
    /// S_max = a^2 max_k G(k) + b^2 with G(k) the mean of |x~(k)|^2 over the start's fields: the top eigenvalue of the
    /// translation-invariant part of the noised covariance, estimated on samples (docs/science.md section 5).
    /// </summary>
    private static double MaxNoisedVariance(Lattice lattice, double[] fields, int count, ForwardProcess process, double time)
    {
        int v = lattice.SiteCount;
        var spectra = new FourierTransform(lattice).ForwardRealBatch(fields, count);
        var power = new double[v];
        for (int f = 0; f < count; f++)
            for (int k = 0; k < v; k++)
            {
                var c = spectra[f * v + k];
                power[k] += c.Real * c.Real + c.Imaginary * c.Imaginary;
            }
        double a = process.SignalScale(time);
        return a * a * power.Max() / count + process.NoiseVariance(time);
    }

    private sealed record RunOutcome(List<HistoryRow> History, NetworkParameters Parameters, int? StepsToEps,
        int StepsRun, bool Diverged, double Lowest);

    /// <summary>
    /// One run: evaluate every EvalInterval steps (and at the last), stop at eps when an excess is given, at a non-finite loss,
    /// or at the cap. The rate at step k is rate x decay^(k / steps).
    /// </summary>
    private static RunOutcome Run(DenoisingScoreMatching dsm, SampleSource source, NetworkParameters parameters,
        SampleTrainingConfig config, double rate, int steps, double decay, RandomStream rng, ValidationSet validation,
        SliceExcess? excess, CancellationToken ct, Action<int, int>? report = null, SnapshotTarget? snapshots = null)
    {
        var model = dsm.Model;
        var gradient = model.CreateParameters();
        var state = config.Optimizer.CreateState(parameters);
        var x0 = new double[(long)config.BatchSize * model.ConfigurationLength];
        var z = new double[x0.Length];
        var history = new List<HistoryRow>();
        double lowest = double.PositiveInfinity, threshold = double.NaN;
        int first = 0;
        if (snapshots?.Store.FindSnapshot(snapshots.Slice, snapshots.Run) is { } resumed)
        {
            if (!Fits(resumed.Parameters, parameters) || resumed.OptimizerBuffers.Length != state.Buffers.Length
                || resumed.OptimizerBuffers.Any(b => !Fits(b, parameters)) || resumed.Step < 0 || resumed.Step > steps)
                throw new InvalidDataException($"the snapshot of {snapshots.Run} of slice {snapshots.Slice} does not fit this run: delete it to rerun that run from its start");
            parameters.CopyFrom(resumed.Parameters);
            for (int b = 0; b < state.Buffers.Length; b++) state.Buffers[b].CopyFrom(resumed.OptimizerBuffers[b]);
            state.StepCount = resumed.OptimizerSteps;
            rng = RandomStream.FromState(resumed.RandomState);
            history.AddRange(resumed.History);
            (lowest, threshold, first) = (resumed.Lowest, resumed.Threshold, resumed.Step);
        }
        var metrics = new SliceMetrics(history, report is null ? null : step => report(step, steps));
        var objective = new DsmObjective(dsm, source, parameters, config, rate, steps, decay, rng, validation, excess,
            snapshots, gradient, state, x0, z, metrics, lowest, threshold, first);
        return SliceLoop.Run(objective, metrics, ct);
    }

    /// <summary>
    /// Denoising score matching as an objective of <see cref="SliceLoop"/>: the validation loss every EvalInterval steps (and
    /// at the cap), the rule's excess, stop at eps or a non-finite loss, minibatch steps at a geometrically decaying rate, and
    /// snapshots of the run into its store.
    /// </summary>
    private sealed class DsmObjective(DenoisingScoreMatching dsm, SampleSource source, NetworkParameters parameters,
        SampleTrainingConfig config, double rate, int steps, double decay, RandomStream rng, ValidationSet validation,
        SliceExcess? excess, SnapshotTarget? snapshots, NetworkParameters gradient, OptimizerState state, double[] x0, double[] z,
        SliceMetrics metrics, double lowest, double threshold, int first) : ISliceObjective<RunOutcome>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private RandomStream _rng = rng;
        private double _lowest = lowest, _threshold = threshold;

        public int FirstStep => first;

        public void BeginStep(int step)
        {
            if (snapshots is not null && step > first && _clock.Elapsed >= snapshots.Store.SnapshotInterval)
            {
                snapshots.Store.KeepSnapshot(snapshots.Slice, snapshots.Run, new RunSnapshot(step, parameters.Clone(),
                    state.Buffers.Select(b => b.Clone()).ToArray(), state.StepCount, _rng.State(), metrics.History.ToArray(), _lowest, _threshold));
                _clock.Restart();
            }
        }

        public bool Evaluates(int step) => step % config.EvalInterval == 0 || step == steps;

        public HistoryRow Evaluate(int step)
        {
            double loss = dsm.Loss(parameters, validation.X0, validation.Z, validation.Count);
            if (!double.IsFinite(loss)) return new HistoryRow(step, loss, double.NaN);
            _lowest = Math.Min(_lowest, loss);
            return new HistoryRow(step, loss, excess?.Excess(parameters, loss) ?? double.NaN);
        }

        public RunOutcome? Decide(int step)
        {
            var row = metrics.History[^1];
            if (!double.IsFinite(row.Loss)) return Diverge(metrics.History, parameters, step, row.Loss, _lowest);
            if (step == 0) _threshold = config.Eps * row.Excess;
            if (excess is not null && row.Excess <= _threshold)
                return new RunOutcome(metrics.History, parameters, step, step, false, _lowest);
            return null;
        }

        public RunOutcome? Step(int step)
        {
            if (step >= steps) return new RunOutcome(metrics.History, parameters, null, step, false, _lowest);
            source.Draw(x0, config.BatchSize, ref _rng);
            _rng.FillGaussian(z);
            double batchLoss = dsm.LossAndGradient(parameters, x0, z, config.BatchSize, gradient);
            if (!double.IsFinite(batchLoss)) return Diverge(metrics.History, parameters, step, batchLoss, _lowest);
            double stepRate = decay == 1 ? rate : rate * Math.Pow(decay, (double)step / steps);
            config.Optimizer.Step(parameters, gradient, stepRate, state);
            return null;
        }
    }

    private static bool Fits(NetworkParameters a, NetworkParameters layout) =>
        a.Layers.Length == layout.Layers.Length && a.Layers.Zip(layout.Layers).All(p => p.First.Length == p.Second.Length);

    private static RunOutcome Diverge(List<HistoryRow> history, NetworkParameters parameters, int step, double loss, double lowest)
    {
        if (history.Count == 0 || history[^1].Step != step) history.Add(new HistoryRow(step, loss, double.NaN));
        return new RunOutcome(history, parameters, null, step, true, lowest);
    }
}
