import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The secondary station's page comes from the gateway itself, under the dashboard's strict
/// content security policy: no inline script or style, nothing from elsewhere, nothing kept in
/// localStorage.
@Suite struct SecondaryPageTests {
  struct Asset {
    var status: Int
    var headers: HTTPFields
    var body: String
  }

  func fetch(_ client: some TestClientProtocol, _ path: String) async throws -> Asset {
    let response = try await client.execute(uri: path, method: .get)
    return Asset(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
  }

  @Test func thePageItsScriptAndItsStyleAreServedWithThePolicy() async throws {
    let app = try await InProcessGateway().application()
    try await app.test(.router) { client in
      let expected = [
        "/secondary": "text/html", "/secondary.js": "text/javascript", "/secondary.css": "text/css",
        "/common.js": "text/javascript",
        "/dashboard.css": "text/css",
      ]
      for (path, type) in expected {
        let asset = try await fetch(client, path)
        #expect(asset.status == 200, "\(path)")
        #expect(asset.headers[.contentType]?.hasPrefix(type) == true, "\(path)")
        let policy = asset.headers[.contentSecurityPolicy] ?? ""
        #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'"), "\(path): \(policy)")
        #expect(policy.contains("default-src 'self'") && !policy.contains("unsafe-inline"), "\(path): \(policy)")
        let sniffing = HTTPField.Name("X-Content-Type-Options").flatMap { asset.headers[$0] }
        #expect(sniffing == "nosniff", "\(path)")
        #expect(
          !asset.body.contains("http://") && !asset.body.contains("https://"), "\(path) loads nothing from elsewhere")
      }

      let page = try await fetch(client, "/secondary")
      #expect(page.body.contains(#"<script src="/secondary.js" defer></script>"#))
      // Everything the policy would block: an inline script, a style attribute or element.
      #expect(!page.body.contains("<script>") && !page.body.contains("style=") && !page.body.contains("<style"))
      let script = try await fetch(client, "/secondary.js")
      #expect(!script.body.contains("localStorage."), "health data stays out of the browser's storage")
      #expect(!script.body.contains("innerHTML"), "the page builds its nodes from text, never from HTML")
    }
  }
}
