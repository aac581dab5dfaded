using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// A trained score model however it was trained (<see cref="ModelCheckpoint"/> stores it): the target it was trained for
/// (a Gaussian field, O(n) spins or phi^4: the real target, also where moment training saw it only through a measured
/// spectrum), the process, the network, how it was trained (<see cref="Mode"/>: population, empirical or samples, the
/// names of <c>train --mode</c>), one parameter set per time slice and the run summary of <c>train</c>.
/// </summary>
public sealed record TrainedModel
{
    /// <summary>The <see cref="Mode"/> names, as <c>train --mode</c> spells them.</summary>
    public static readonly IReadOnlyList<string> Modes = ["population", "empirical", "samples"];

    /// <summary>Creates and checks a model: a known mode, one parameter set per slice, each in the network's layout.</summary>
    public TrainedModel(LatticeModel target, ForwardProcess process, ScoreModelSpec spec, string mode,
        IReadOnlyList<double> times, IReadOnlyList<NetworkParameters> parameters, JsonObject? summary = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Modes.Contains(mode)) throw new ArgumentException($"mode must be one of {string.Join(", ", Modes)} (got '{mode}')", nameof(mode));
        if (parameters.Count != times.Count) throw new ArgumentException("one parameter set per time slice is required", nameof(parameters));
        (Target, Process, Spec, Mode, Times, Parameters, Summary) = (target, process, spec, mode, times, parameters, summary);
    }

    /// <summary>The target the model was trained for.</summary>
    public LatticeModel Target { get; init; }

    /// <summary>The forward process.</summary>
    public ForwardProcess Process { get; init; }

    /// <summary>The network of every slice.</summary>
    public ScoreModelSpec Spec { get; init; }

    /// <summary>How it was trained: population, empirical (moments) or samples (denoising score matching on samples).</summary>
    public string Mode { get; init; }

    /// <summary>The slice times t_j, increasing.</summary>
    public IReadOnlyList<double> Times { get; init; }

    /// <summary>One parameter set per slice.</summary>
    public IReadOnlyList<NetworkParameters> Parameters { get; init; }

    /// <summary>The run summary of <c>train</c> (what <c>train --json</c> prints), or null.</summary>
    public JsonObject? Summary { get; init; }

    /// <summary>Field components n.</summary>
    public int Components => Target.Components;

    /// <summary>
    /// True for a model trained on samples, which generate runs with the real-space samplers; a model trained on moments
    /// (population or empirical, always linear) is generated in Fourier space with its exact generated law.
    /// </summary>
    public bool TrainedOnSamples => Mode == "samples";

    /// <summary>A fresh per-slice model of this network.</summary>
    public ScoreModel CreateModel() => Spec.Create(Target.Lattice, Target.Components);

    /// <summary>
    /// The Gaussian field that Fourier-space generation compares with: the target itself, or for a finite-n target (which
    /// moment training saw only through a measured spectrum, on a free field of mu2 = 1 that carries the lattice) that
    /// stand-in, as the checkpoints of moment training stored it before issue 21.
    /// </summary>
    public GaussianField GaussianTarget => Target as GaussianField ?? GaussianField.FreeField(Target.Lattice, 1);

    /// <summary>
    /// The slices' multipliers as a <see cref="ScoreSchedule"/> (<see cref="TrainedScore.FromParameters"/>) for a linear
    /// convolution network; throws <see cref="ArgumentException"/> for a nonlinear or dense one.
    /// </summary>
    public ScoreSchedule MultiplierSchedule(bool interpolate) => Spec is LinearModelSpec linear
        ? TrainedScore.FromParameters(Target.Lattice, linear.Architecture, linear.Basis, Times, Parameters, interpolate)
        : throw new ArgumentException($"{Spec.Name} is not linear: it has no Fourier multiplier", nameof(interpolate));
}
