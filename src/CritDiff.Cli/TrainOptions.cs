using System.CommandLine;
using CritDiff.Networks;

namespace CritDiff.Cli;

/// <summary>The options of <c>critdiff train</c>, shared by its linear (population, empirical) and sample modes.</summary>
internal sealed class TrainOptions
{
    public ModelOptions Model { get; } = new();
    public Option<string> Arch { get; } = new("--arch")
    {
        Description = "Score network per slice: one-layer, two-layer, one-layer-local:R, two-layer-local:R, deep:D, " +
                      "deep-local:D:R, deep:D (D <= 64), dense (V <= 256: its steps cost V^3), layers:full,local:R,... (first-applied layer first), " +
                      "or a nonlinear local convolutional network conv:C:R[:D][:act][:odd] (C hidden channels in 1..256, kernel range R with 2R+1 <= L, " +
                      "D hidden layers in 1..8 (default 1), activation tanh (default), silu or identity, odd: no biases, s(-x) = -s(x); " +
                      "s = K_out * act(K_D * ... act(K_1 * x + b_1) ... + b_D) + K_0 * x; trained with --mode samples), " +
                      "or the time-conditioned U-Net unet:C:levels[:odd] (one network for every t in [--t-min, --t-max]: --steps, --ema; README).",
        DefaultValueFactory = _ => NetworkCatalog.OneLayer.Name,
    };
    public Option<string> Schedule { get; } = new("--schedule") { Description = NoiseOptions.ScheduleHelp, DefaultValueFactory = _ => "vp" };
    public NoiseOptions Noise { get; } = new();
    public Option<double?> Time { get; } = new("--t") { Description = "Train a single slice at this diffusion time t > 0 (t = 0 is data). Default 0.1 unless --slices is given, as in scaling." };
    public Option<int?> Slices { get; } = new("--slices") { Description = "Number of time slices N in 1..10000 in [t-min, t-max] (instead of --t); N x --max-steps is bounded by the 8 GiB memory limit of the loss histories (64 bytes a step: about 1300 slices at the default cap)." };
    public Option<double> TMin { get; } = new("--t-min") { Description = "Smallest slice time (with --slices), or of the range a time-conditioned network trains on.", DefaultValueFactory = _ => 1e-3 };
    public Option<string> TMax { get; } = new("--t-max")
    {
        Description = "Largest slice time (a time-conditioned network: the top of its range), or auto: the time where a(T)^2 chi = 1e-3 b(T)^2 (VP: 0.5 ln(1 + 1000 chi); ve-geometric: 1, where sigma = sigma_max).",
        DefaultValueFactory = _ => "auto",
    };
    public Option<string> Spacing { get; } = new("--spacing") { Description = "Slice spacing: log or uniform.", DefaultValueFactory = _ => "log" };
    public Option<string?> Mode { get; } = new("--mode")
    {
        Description = "population (exact gradient), empirical (minibatches with fresh noise; the linear loss in closed form from the batch's moments) " +
                      "or samples (denoising score matching on real-space samples through the network's backward pass: any architecture, " +
                      "the only mode of conv:...; training time against --stop). Default: population, samples for conv:...",
    };
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Training on a fixed data set (--mode empirical or samples): .npy of shape [N, L, ..., L], or [N, n, L, ..., L] for n components " +
                      "(trained as N n one-component fields: the O(n)-equivariant linear score acts alike on every component), " +
                      "on the --d/--L lattice (default: fresh exact samples). The excess is measured against --reference.",
    };
    public TargetOptions Target { get; } = new();
    public SampleTrainOptions Samples { get; } = new();
    public Option<string?> Spectrum { get; } = new("--spectrum")
    {
        Description = "Train on the measured spectrum G(k) = <|phi~(k)|^2> (per component) of this .npy, shape [N, L, ..., L] or [N, n, L, ..., L]: " +
                      "population training by default (--mode empirical without --data draws Gaussian fields with that spectrum). " +
                      "It overrides the model's C(k) everywhere (reference, rates, theory, --t-max auto), so the model options only give the lattice. " +
                      "With --data: the data set is what SGD sees, this spectrum the reference.",
    };
    public Option<string?> Reference { get; } = new("--reference")
    {
        Description = "With --data and no --spectrum, the population the excess is measured against: data (default: the data set's measured " +
                      "spectrum, the exact optimum of the loss it defines; right for non-Gaussian data) or model (the exact C(k) of the " +
                      "model options; for Gaussian samples of that model).",
    };
    public Option<int> Batch { get; } = new("--batch") { Description = "Minibatch size B in 1..1000000 for empirical and samples training (B V doubles must fit in 8 GiB).", DefaultValueFactory = _ => 64 };
    public Option<string?> Optimizer { get; } = new("--optimizer") { Description = "gd, sgd or adam (default: gd for population, sgd for empirical, adam for samples)." };
    public Option<double> Momentum { get; } = new("--momentum") { Description = "Heavy-ball momentum for gd/sgd, in [0, 1).", DefaultValueFactory = _ => 0.0 };
    public Option<string> Lr { get; } = new("--lr")
    {
        Description = "Learning rate, or auto: 0.5 x 2/lambda_max (top eigenvalue of the population Hessian at the start, power iteration; " +
                      "lowered if the loss rises in population GD); adam: 0.01 (a time-conditioned network: 0.001).",
        DefaultValueFactory = _ => "auto",
    };
    public Option<string> Init { get; } = new("--init")
    {
        Description = "Initial scale X (initial product multiplier m = -X, balanced layers), or auto: 0 for one layer, 1/S_max deeper.",
        DefaultValueFactory = _ => "auto",
    };
    public Option<double> Eps { get; } = new("--eps") { Description = "Stop when excess loss <= eps x initial excess (vs the architecture's optimum).", DefaultValueFactory = _ => 1e-2 };
    public Option<int> MaxSteps { get; } = new("--max-steps") { Description = "Step cap per slice, 1..100000000 (default 100000; with --mode samples 10000).", DefaultValueFactory = _ => 100_000 };
    public Option<string> Basis { get; } = new("--basis") { Description = "Parameters of full layers: kernel (real space; under gd/sgd a one-layer network steps on its multiplier, the same trajectory without FFTs) or fourier (multipliers as the parameters).", DefaultValueFactory = _ => "kernel" };
    public Option<string> Start { get; } = CommonOptions.Start();
    public Option<string?> Folder { get; } = new("--out") { Description = "Run folder: config.json, summary.json, history_slice000.csv, history_slice001.csv, ... (one per slice, numbered from 000) and the checkpoint (model.json + .npy kernels). " +
                                                                     "With --mode samples, slices/ keeps each slice (and its reference runs) as it finishes: a rerun with the same settings resumes from them." };
    public Option<bool> Json { get; } = CommonOptions.Json();
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<int> Threads { get; } = CommonOptions.Threads();

    /// <summary>Adds every option to <paramref name="command"/>, in the order help lists them.</summary>
    public void AddTo(Command command)
    {
        Model.AddTo(command);
        Target.AddTo(command);
        foreach (var option in new Option[] { Arch, Schedule, Noise.SigmaMin, Noise.SigmaMax, Time, Slices, TMin, TMax, Spacing, Mode, Data, Spectrum, Reference, Batch, Optimizer, Momentum, Lr, Init, Eps, MaxSteps, Basis, Start, Folder, Json, Seed, Threads }
                     .Concat(Samples.All))
            command.Options.Add(option);
    }
}

/// <summary>The options of <c>critdiff train --mode samples</c> (denoising score matching on real-space samples).</summary>
internal sealed class SampleTrainOptions
{
    public Option<string> Stop { get; } = new("--stop")
    {
        Description = "With --mode samples: the training-time rule. auto (default): exact population excess where an optimum is known " +
                      "(Gaussian target, one-layer/two-layer/deep/dense, no --data; or a linear network that holds the exact score or one local layer, on --data: " +
                      "against the optimum of the data's own measured spectrum G(k), the exact population excess of the training data), else validation; " +
                      "exact (also with --data, or --chain: its spectrum estimated on 4096 chain configurations); validation (steps until the loss on a " +
                      "fixed validation set is within eps of its initial excess over a reference: the lower of two --reference-factor x longer runs " +
                      "with a decaying rate and different seeds, their difference reported as its uncertainty); budget (no stopping: every slice runs --max-steps).",
        DefaultValueFactory = _ => "auto",
    };

    public Option<int> EvalInterval { get; } = new("--eval-interval")
    {
        Description = "With --mode samples: steps between validation evaluations, 1..1000000 (the training time is a multiple of it; a time-conditioned network: default 100, each evaluating the raw and the averaged weights).",
        DefaultValueFactory = _ => 10,
    };

    public Option<int> ValidationSize { get; } = new("--validation-size")
    {
        Description = "With --mode samples: configurations in the fixed validation set (fixed x0 and noise), 1..1000000.",
        DefaultValueFactory = _ => 256,
    };

    public Option<double> ReferenceFactor { get; } = new("--reference-factor")
    {
        Description = "With --mode samples and the validation rule: length of each of the two reference runs as a multiple of --max-steps, in [1, 1000].",
        DefaultValueFactory = _ => 4.0,
    };

    public Option<string> ReferenceDrift { get; } = new("--reference-drift")
    {
        Description = "With --mode samples and the validation rule: off (default: a fixed reference of --reference-factor x --max-steps steps), or a " +
                      "fraction f in (0, 1]: rerun the two reference runs at 2, 4, ... times that length (each with the decaying rate of its own length) until " +
                      "their lowest validation loss moves by at most f x the initial excess between two successive lengths (e.g. 0.02); the slice reports " +
                      "the length used, the last drift and whether it met f. Cost: up to 2^(N+1) - 1 times the fixed reference, N = --max-reference-doublings.",
        DefaultValueFactory = _ => "off",
    };

    public Option<int> MaxReferenceDoublings { get; } = new("--max-reference-doublings")
    {
        Description = "With --reference-drift: at most this many doublings of the reference length, 1..10 (default 3: up to 8 x the fixed length).",
        DefaultValueFactory = _ => 3,
    };

    public Option<string?> Chain { get; } = new("--chain")
    {
        Description = "With --mode samples on a finite-n target without --data: draw training configurations from a Markov chain ALGO[:SPACING] " +
                      "(e.g. wolff:2 keeps one configuration every 2 sweeps after 500 thermalisation sweeps; consecutive draws are correlated). " +
                      "Prefer an ensemble from 'critdiff ensemble' (--data).",
    };

    public Option<int> Steps { get; } = new("--steps")
    {
        Description = "With a time-conditioned network (unet:...): Adam steps in all, 1..100000000 (one network for every t in [--t-min, --t-max], " +
                      "t drawn uniformly; a fixed budget, no stopping rule; cost: steps x batch forward and backward passes).",
        DefaultValueFactory = _ => 2000,
    };

    public Option<double> Ema { get; } = new("--ema")
    {
        Description = "With a time-conditioned network: decay d of the moving average of the weights, in [0, 1) (theta_ema <- d theta_ema + " +
                      "(1 - d) theta after every step, d warmed up as min(d, (1 + k) / (10 + k)) at step k like score_sde; 0: off). Generation samples with the averaged weights.",
        DefaultValueFactory = _ => 0.999,
    };

    public IEnumerable<Option> All => [Stop, EvalInterval, ValidationSize, ReferenceFactor, ReferenceDrift, MaxReferenceDoublings, Chain, Steps, Ema];
}
