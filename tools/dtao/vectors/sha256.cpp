// dtao: SHA-256 of the vector files and fillers (the index's and the files'
// `sha256` / `filler_sha256`), from OpenSSL's libcrypto.
// SPDX-License-Identifier: Apache-2.0
#include "generate_detail.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace dtao::vectors::detail {

std::string sha256_hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1 || size != 32)
        throw std::runtime_error("SHA-256 failed (OpenSSL EVP_Digest)");
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(2 * size);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 0xf]);
    }
    return out;
}

}  // namespace dtao::vectors::detail
