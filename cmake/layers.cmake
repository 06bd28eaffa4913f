# Build-enforced layers (docs/architecture.md).
#
# Includes are written from the repository root (#include "engine/store/store.hpp"), but no
# target sees the repository root. Each target sees a directory of its own in the build tree,
# build/include/<target>/, that holds one symbolic link per folder it owns (for example
# build/include/engine_store/engine/store -> <source>/engine/store). A target sees its own
# folders and, through target_link_libraries, the folders of the targets it links; a header of
# any other folder is simply not there, so an include across a forbidden edge fails to compile
# ("engine/store/store.hpp: No such file or directory"). tests/layers/ proves it.
#
# Link a part PUBLIC (DEPS) when its headers include the other part's headers, PRIVATE
# (PRIVATE_DEPS) when only its .cpp files do: a PRIVATE dependency is linked but its headers do
# not leak to the part's users.

# eco_expose(<target> <PUBLIC|PRIVATE|INTERFACE> <folder>...): lets <target> (and, unless
# PRIVATE, its users) include the headers of the given repository folders.
function(eco_expose target scope)
  set(_root ${PROJECT_BINARY_DIR}/include/${target})
  foreach(_folder ${ARGN})
    get_filename_component(_parent ${_root}/${_folder} DIRECTORY)
    file(MAKE_DIRECTORY ${_parent})
    if(NOT IS_SYMLINK ${_root}/${_folder})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${_folder} ${_root}/${_folder} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${target} ${scope} ${_root})
endfunction()

# eco_add_part(<target> DIR <folder> [RECURSE] [DEPS <target>...] [PRIVATE_DEPS <target>...]):
# one layer part: a static library of the .cpp files of <folder> (with its subfolders when
# RECURSE), or an interface library when the folder holds headers only.
function(eco_add_part name)
  cmake_parse_arguments(P "RECURSE" "DIR" "DEPS;PRIVATE_DEPS" ${ARGN})
  if(P_RECURSE)
    file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${P_DIR}/*.cpp)
  else()
    file(GLOB _srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${P_DIR}/*.cpp)
  endif()
  if(_srcs)
    add_library(${name} STATIC ${_srcs})
    eco_expose(${name} PUBLIC ${P_DIR})
    target_link_libraries(${name} PUBLIC ${P_DEPS} PRIVATE ${P_PRIVATE_DEPS})
  else()
    add_library(${name} INTERFACE)
    eco_expose(${name} INTERFACE ${P_DIR})
    target_link_libraries(${name} INTERFACE ${P_DEPS})
  endif()
  set_property(GLOBAL APPEND PROPERTY ECO_PART_SOURCES ${_srcs})
endfunction()

# eco_check_parts(<folder>): every .cpp file under <folder> belongs to a part; a new folder
# must be given a target (and its place in the layers) before it builds.
function(eco_check_parts folder)
  file(GLOB_RECURSE _all CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${folder}/*.cpp)
  get_property(_assigned GLOBAL PROPERTY ECO_PART_SOURCES)
  if(_assigned)
    list(REMOVE_ITEM _all ${_assigned})
  endif()
  if(_all)
    list(JOIN _all "\n  " _list)
    message(FATAL_ERROR "these files belong to no layer target; give their folder a target in "
                        "${folder}/CMakeLists.txt (docs/architecture.md):\n  ${_list}")
  endif()
endfunction()
