namespace CritDiff.Training;

/// <summary>Where a slice trained on samples is: its phase ("reference run 1", "reference run 2", "training") and step, reported at every evaluation.</summary>
/// <param name="Slice">Slice index.</param>
/// <param name="Time">The slice's diffusion time.</param>
/// <param name="Phase">The run in progress.</param>
/// <param name="Step">Steps taken in that run.</param>
/// <param name="Steps">The run's cap.</param>
public readonly record struct SampleTrainingProgress(int Slice, double Time, string Phase, int Step, int Steps);
