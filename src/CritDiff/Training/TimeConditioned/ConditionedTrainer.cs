using System.Diagnostics;
using CritDiff.Diffusion;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Trains one <see cref="TimeConditionedModel"/> for every diffusion time by denoising score matching
/// (<see cref="ConditionedScoreMatching"/>, docs/science.md section 11), as score_sde and DMasSQ do: each step draws B
/// configurations x_0 from a <see cref="SampleSource"/>, for each a time t uniform in [t_min, T] (for VE on a geometric
/// sigma range, uniform in t is uniform in log sigma; for VP and VE with b^2 = t it is uniform in t) and fresh noise z, takes one
/// optimizer step on the lambda = b^2 weighted loss and updates the <see cref="ExponentialMovingAverage"/> of the weights
/// (with score_sde's warm-up of the decay).
/// A fixed validation set (x_0, t and z drawn once; t stratified over [t_min, T]) is evaluated every EvalInterval steps and
/// at the last for both the raw and the averaged weights. A fixed budget of steps; a non-finite loss stops the run as diverged.
/// <para>Streams: configuration i of step k draws x_0, t and z from RandomStream(seed, k B + i); validation configuration i from
/// RandomStream(seed xor a salt, i); the start from its own salt. Configurations are drawn in parallel (a stateful source,
/// a Markov chain, in order) and the network splits its batch itself, so the same seed gives bit-identical results whatever
/// the thread count. This loop does not use <see cref="SliceLoop"/>: that one records a slice's (loss, excess) rows and asks a
/// stopping rule after every evaluation; here the budget is fixed and a row has four columns.</para>
/// </summary>
public static class ConditionedTrainer
{
    private const ulong ValidationSalt = 0x7A11DA7E5C0DEUL;

    /// <summary>The start's stream is RandomStream(seed xor this, 0).</summary>
    internal const ulong StartSalt = 0x57A127C0DEUL;

    /// <summary>
    /// Trains from <see cref="ScoreModel.Initialize"/> (with S_max = 1: the network's output b s has unit scale at every t),
    /// using up to <paramref name="threads"/> threads to draw configurations (0: all processors; the network's own threads are
    /// set when it is created).
    /// </summary>
    public static ConditionedTrainingResult Train(TimeConditionedModel model, SampleSource source, ForwardProcess process,
        ConditionedTrainingConfig config, int threads = 0, IProgress<ConditionedTrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be >= 0 (0: all processors)");
        if (source.Lattice != model.Lattice || source.Components != model.Components)
            throw new ArgumentException($"the source draws n = {source.Components} on {source.Lattice}, the model needs n = {model.Components} on {model.Lattice}", nameof(source));
        var clock = Stopwatch.StartNew();
        var dsm = new ConditionedScoreMatching(model, process);
        var parameters = model.CreateParameters();
        var startRng = new RandomStream(config.Seed ^ StartSalt, 0);
        model.Initialize(parameters, 1, ref startRng);
        var average = parameters.Clone();
        var gradient = model.CreateParameters();
        var state = config.Optimizer.CreateState(parameters);
        var validation = ValidationSet(source, config, threads);
        var batch = new Batch(config.BatchSize, model.ConfigurationLength);
        var history = new List<ConditionedHistoryRow>();
        double lossSum = 0;
        int lossCount = 0, step = 0;
        bool diverged = false;
        for (; ; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (step % config.EvalInterval == 0 || step == config.Steps)
            {
                double raw = ValidationLoss(dsm, parameters, validation, config.BatchSize);
                double ema = config.EmaDecay == 0 ? raw : ValidationLoss(dsm, average, validation, config.BatchSize);
                history.Add(new ConditionedHistoryRow(step, lossCount > 0 ? lossSum / lossCount : double.NaN, raw, ema));
                progress?.Report(new ConditionedTrainingProgress(step, config.Steps, raw, ema));
                (lossSum, lossCount) = (0, 0);
                if (!double.IsFinite(raw)) { diverged = true; break; }
            }
            if (step == config.Steps) break;
            Draw(source, config, batch, (ulong)step * (ulong)config.BatchSize, config.Seed, threads);
            double loss = dsm.LossAndGradient(parameters, batch.X0, batch.Times, batch.Z, config.BatchSize, gradient);
            if (!double.IsFinite(loss))
            {
                history.Add(new ConditionedHistoryRow(step, loss, double.NaN, double.NaN));
                diverged = true;
                break;
            }
            (lossSum, lossCount) = (lossSum + loss, lossCount + 1);
            config.Optimizer.Step(parameters, gradient, config.LearningRate, state);
            ExponentialMovingAverage.Update(average, parameters, ExponentialMovingAverage.Decay(config.EmaDecay, step + 1));
        }
        return new ConditionedTrainingResult
        {
            Parameters = parameters,
            EmaParameters = average,
            History = history,
            StepsRun = step,
            Diverged = diverged,
            WallSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// The fixed validation set of <paramref name="config"/>: configuration i draws x_0, u and z from RandomStream(seed xor
    /// a salt, i), with t_i = t_min + (T - t_min) (i + u) / N stratified over the range.
    /// </summary>
    public static ConditionedBatch ValidationSet(SampleSource source, ConditionedTrainingConfig config, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var batch = new Batch(config.ValidationSize, source.ConfigurationLength);
        int count = config.ValidationSize;
        double span = config.TimeMax - config.TimeMin;
        Fill(source, batch, 0, config.Seed ^ ValidationSalt, threads,
            (i, u) => config.TimeMin + span * (i + u) / count);
        return new ConditionedBatch(batch.X0, batch.Times, batch.Z, count);
    }

    /// <summary>The validation loss (the mean over the set, evaluated in chunks of <paramref name="chunk"/> configurations).</summary>
    public static double ValidationLoss(ConditionedScoreMatching dsm, NetworkParameters parameters, ConditionedBatch set, int chunk)
    {
        ArgumentNullException.ThrowIfNull(dsm);
        ArgumentNullException.ThrowIfNull(set);
        int width = dsm.Model.ConfigurationLength;
        double sum = 0;
        for (int start = 0; start < set.Count; start += chunk)
        {
            int count = Math.Min(chunk, set.Count - start);
            sum += count * dsm.Loss(parameters, set.X0.AsSpan(start * width, count * width), set.Times.AsSpan(start, count),
                set.Z.AsSpan(start * width, count * width), count);
        }
        return sum / set.Count;
    }

    private sealed class Batch(int count, int width)
    {
        public double[] X0 { get; } = new double[(long)count * width];
        public double[] Times { get; } = new double[count];
        public double[] Z { get; } = new double[(long)count * width];
        public int Count => count;
        public int Width => width;
    }

    private static void Draw(SampleSource source, ConditionedTrainingConfig config, Batch batch, ulong first, ulong seed, int threads)
    {
        double span = config.TimeMax - config.TimeMin;
        Fill(source, batch, first, seed, threads, (_, u) => config.TimeMin + span * u);
    }

    /// <summary>Configuration i of the batch from RandomStream(seed, first + i): x_0, then u uniform in [0, 1) for its time, then z.</summary>
    private static void Fill(SampleSource source, Batch batch, ulong first, ulong seed, int threads, Func<int, double, double> time)
    {
        void One(int i)
        {
            var rng = new RandomStream(seed, first + (ulong)i);
            source.Draw(batch.X0.AsSpan(i * batch.Width, batch.Width), 1, ref rng);
            batch.Times[i] = time(i, rng.NextDouble());
            rng.FillGaussian(batch.Z.AsSpan(i * batch.Width, batch.Width));
        }
        if (!source.IsStateless || threads == 1 || batch.Count == 1)
        {
            for (int i = 0; i < batch.Count; i++) One(i);
            return;
        }
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads }, One);
    }
}

/// <summary>A set of configurations x_0 (Count x n V), their times (Count) and noise z (Count x n V): e.g. a fixed validation set.</summary>
public sealed record ConditionedBatch(double[] X0, double[] Times, double[] Z, int Count);
