#include "services/gateway/src/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/status.h"

namespace qpp::gateway {
namespace {

constexpr absl::string_view kScheme = "hmac-sha256";
constexpr int kSaltBytes = 16;
constexpr int kSecretBytes = 32;

std::string Digest(absl::string_view salt, absl::string_view key) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()),
       reinterpret_cast<const unsigned char*>(key.data()), key.size(), out,
       &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

absl::StatusOr<std::string> RandomBytes(int n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), n) != 1) {
    return absl::InternalError("no randomness available");
  }
  return out;
}

// Decodes lower- or upper-case hex; false if malformed.
bool DecodeHex(absl::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  *out = absl::HexStringToBytes(hex);
  return true;
}

// Splits "<client_id>.<secret>"; false if malformed.
bool SplitKey(absl::string_view key, absl::string_view* client_id) {
  const size_t dot = key.find('.');
  if (dot == absl::string_view::npos || dot + 1 >= key.size()) return false;
  *client_id = key.substr(0, dot);
  return IsValidClientId(*client_id);
}

}  // namespace

bool IsValidClientId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  if (!absl::ascii_isalnum(id[0])) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> MakeKeyEntry(absl::string_view key) {
  absl::string_view client_id;
  if (!SplitKey(key, &client_id)) {
    return absl::InvalidArgumentError(
        "a key reads <client_id>.<secret> with a client id of [a-z0-9_-]");
  }
  auto salt = RandomBytes(kSaltBytes);
  if (!salt.ok()) return salt.status();
  return absl::StrCat(client_id, ":", kScheme, ":",
                      absl::BytesToHexString(*salt), ":",
                      absl::BytesToHexString(Digest(*salt, key)));
}

absl::StatusOr<GeneratedKey> GenerateKey(absl::string_view client_id) {
  if (!IsValidClientId(client_id)) {
    return absl::InvalidArgumentError(
        "client id: 1..64 characters of [a-z0-9_-], starting with a letter "
        "or digit");
  }
  auto secret = RandomBytes(kSecretBytes);
  if (!secret.ok()) return secret.status();
  GeneratedKey g;
  g.key = absl::StrCat(client_id, ".", absl::WebSafeBase64Escape(*secret));
  auto entry = MakeKeyEntry(g.key);
  if (!entry.ok()) return entry.status();
  g.entry = *std::move(entry);
  return g;
}

absl::StatusOr<ApiKeyStore> ApiKeyStore::Parse(absl::string_view content) {
  ApiKeyStore store;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ':');
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("keys file line ", line_no, ": ", why));
    };
    if (f.size() != 4) {
      return bad("expected <client_id>:hmac-sha256:<salt hex>:<digest hex>");
    }
    if (!IsValidClientId(f[0])) return bad("bad client id");
    if (f[1] != kScheme) return bad("unknown hash scheme");
    std::string salt, digest;
    if (!DecodeHex(f[2], &salt) || salt.size() < 8) {
      return bad("bad salt");
    }
    if (!DecodeHex(f[3], &digest) || digest.size() != 32) {
      return bad("bad digest");
    }
    if (!store.entries_
             .emplace(std::string(f[0]),
                      Entry{std::move(salt), std::move(digest)})
             .second) {
      return bad(absl::StrCat("duplicate client id ", f[0]));
    }
  }
  return store;
}

absl::StatusOr<std::string> ApiKeyStore::Verify(absl::string_view key) const {
  absl::string_view client_id;
  // One message for every failure, so a caller cannot probe client ids.
  const absl::Status denied = status::WithReason(
      absl::StatusCode::kUnauthenticated, "INVALID_API_KEY", "invalid API key");
  if (key.size() > 256 || !SplitKey(key, &client_id)) return denied;
  auto it = entries_.find(std::string(client_id));
  if (it == entries_.end()) return denied;
  const std::string digest = Digest(it->second.salt, key);
  if (digest.size() != it->second.digest.size() ||
      CRYPTO_memcmp(digest.data(), it->second.digest.data(), digest.size()) !=
          0) {
    return denied;
  }
  return std::string(client_id);
}

bool ApiKeyStore::Contains(absl::string_view client_id) const {
  return entries_.count(std::string(client_id)) > 0;
}

}  // namespace qpp::gateway
