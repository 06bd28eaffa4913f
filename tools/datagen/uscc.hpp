#pragma once
// 统一社会信用代码 (unified social credit code, GB 32100-2015) and the organisation code it
// embeds (GB 11714-1997): check characters and construction of valid codes.
#include <optional>
#include <string>
#include <string_view>

namespace eco::datagen {

// The 31 characters a credit code may use (digits and capitals without I O S V Z).
inline constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Check character (18th) of the first 17 characters of a credit code, or nullopt when
// `first17` is not 17 characters of the alphabet.
std::optional<char> uscc_check_char(std::string_view first17);

// Check character (9th) of an 8-character organisation code body (digits, capitals), or
// nullopt when the body is malformed. 'X' stands for 10.
std::optional<char> org_code_check_char(std::string_view body8);

// True when `code` is 18 characters of the alphabet with a correct check character.
bool uscc_valid(std::string_view code);

// Builds a valid credit code: registration authority + type (e.g. "91"), a 6-digit
// administrative division code, an 8-character organisation code body (its check character is
// appended), then the credit code's own check character.
std::string make_uscc(std::string_view authority_type, std::string_view division,
                      std::string_view org_body8);

}  // namespace eco::datagen
