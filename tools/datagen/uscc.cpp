#include "tools/datagen/uscc.hpp"

#include <array>

namespace eco::datagen {

namespace {
constexpr std::array<int, 17> kUsccWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8, 24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
}  // namespace

std::optional<char> uscc_check_char(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const auto pos = kUsccAlphabet.find(first17[i]);
    if (pos == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(pos) * kUsccWeights[i];
  }
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

std::optional<char> org_code_check_char(std::string_view body8) {
  if (body8.size() != 8) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = body8[i];
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
    else return std::nullopt;
    sum += v * kOrgWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

bool uscc_valid(std::string_view code) {
  if (code.size() != 18) return false;
  const auto c = uscc_check_char(code.substr(0, 17));
  return c && *c == code[17];
}

std::string make_uscc(std::string_view authority_type, std::string_view division,
                      std::string_view org_body8) {
  std::string code;
  code.reserve(18);
  code.append(authority_type).append(division).append(org_body8);
  code.push_back(org_code_check_char(org_body8).value_or('0'));
  code.push_back(uscc_check_char(code).value_or('0'));
  return code;
}

}  // namespace eco::datagen
