namespace AfmServing.IntegrationTests.Reliability.Soak;

/// <summary>A fact that runs only when AFM_SOAK=1: soak runs take minutes of wall time and stay out of the default run.</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AFM_SOAK") != "1")
            Skip = "soak run: set AFM_SOAK=1 (AFM_SOAK_MINUTES sets the length, default 10)";
    }
}
