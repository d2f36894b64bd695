using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AfmServing.Server.Tests.Grpc;

internal static class JsonBodies
{
    public static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static async Task<(int Status, JsonElement Body)> PostAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("/v1/score", Json(body));
        string text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, json);
    }
}
