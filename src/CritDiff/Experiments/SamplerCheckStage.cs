using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Experiments;

/// <summary>A model of the exact-sampler check: its name, lattice and field.</summary>
public sealed record SamplerCheckModel(string Name, int Dimension, int Length, Func<Lattice, GaussianField> Build);

/// <summary>The exact-sampler check: <paramref name="Configurations"/> exact configurations of each model, model i drawn with seed + i.</summary>
public sealed record SamplerCheckSpec(IReadOnlyList<SamplerCheckModel> Models, int Configurations, ulong Seed);

/// <summary>One model of the exact-sampler check: the field, the configurations drawn, their seed and what was measured on them.</summary>
public sealed record SamplerCheckRun(SamplerCheckModel Model, GaussianField Field, int Configurations, ulong Seed, FieldMeasurement Measured);

/// <summary>
/// "exact sampler against exact observables": draws exact configurations of each model of <paramref name="Spec"/> and
/// measures chi, xi2, the energy and G(0) on them (compared with the exact values in the report).
/// </summary>
public sealed record SamplerCheckStage(StageWeights Weights, SamplerCheckSpec Spec)
    : ReproduceStage("exact sampler against exact observables", Weights)
{
    /// <inheritdoc/>
    protected override void RunCore(ReproduceRun run)
    {
        var runs = new List<SamplerCheckRun>();
        for (int i = 0; i < Spec.Models.Count; i++)
        {
            var model = Spec.Models[i];
            var field = model.Build(new Lattice(model.Dimension, model.Length));
            ulong seed = Spec.Seed + (ulong)i; // independent noise per model
            var data = new ExactSampler(field).Sample(Spec.Configurations, seed);
            runs.Add(new SamplerCheckRun(model, field, Spec.Configurations, seed, FieldMeasurement.Measure(field.Lattice, data, Spec.Configurations)));
            run.Note($"sampled {model.Name}: {Spec.Configurations} configurations");
        }
        run.SamplerCheck = runs;
    }
}
