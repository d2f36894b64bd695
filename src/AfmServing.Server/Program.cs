using AfmServing.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddScoring(builder.Configuration);

var app = builder.Build();
app.MapScoringApi();
app.Run();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
