#pragma once
// Every area of the workbench registers its routes here (one register_<area> call a line, in
// all.cpp): server/routes/<area>.cpp.
#include "server/http/router.hpp"

namespace eco::server {

void register_all_areas(Router& router);

}  // namespace eco::server
