;;; SPDX-License-Identifier: GPL-2.0-or-later
;;; xkit for Guix: the package, built from this checkout.
;;;   guix build -L contrib/guix xkit
;;;   guix build -f contrib/guix/xkit.scm
;;; The dom0 services are Shepherd services (contrib/guix/xkit/services.scm),
;;; not the package's: it is configured --with-initsystem=none.
(define-module (xkit)
  #:use-module (guix packages)
  #:use-module (guix gexp)
  #:use-module (guix git-download)
  #:use-module (guix build-system gnu)
  #:use-module ((guix licenses) #:prefix license:)
  #:use-module (gnu packages autotools)
  #:use-module (gnu packages check)
  #:use-module (gnu packages compression)
  #:use-module (gnu packages linux)
  #:use-module (gnu packages ncurses)
  #:use-module (gnu packages pkg-config)
  #:use-module (gnu packages virtualization)
  #:use-module (gnu packages web)
  #:use-module (gnu packages xml)
  #:export (xkit))

(define %checkout
  (dirname (dirname (dirname (current-filename)))))

(define xkit
  (package
    (name "xkit")
    (version "0.1.0")
    (source (local-file %checkout "xkit-checkout"
                        #:recursive? #t
                        #:select? (git-predicate %checkout)))
    (build-system gnu-build-system)
    (arguments
     (list
      ;; Guix sets SOURCE_DATE_EPOCH and builds in a fixed directory:
      ;; the result is reproducible (tests/check-repro proves it outside
      ;; Guix too). The unit tests run; the lab needs real Xen in QEMU.
      #:configure-flags
      #~(list "--with-initsystem=none"
              "--with-statedir=/var/lib/xkit"
              (string-append "--with-xen-bindir=" #$(this-package-input "xen") "/libexec/xen/bin")
              (string-append "--with-hvmloader=" #$(this-package-input "xen")
                             "/libexec/xen/boot/hvmloader"))
      #:make-flags #~(list "XK_NO_SANITIZE=1")
      #:phases
      #~(modify-phases %standard-phases
          (add-after 'unpack 'bootstrap
            (lambda _ (invoke "autoreconf" "-fi"))))))
    (native-inputs (list autoconf automake libtool pkg-config check))
    (inputs (list xen yajl `(,util-linux "lib") libnl zlib libxml2 xz
                  `(,zstd "lib") lz4 bzip2 ncurses))
    (home-page "https://example.invalid/xkit")
    (synopsis "Small Xen toolstack: xl and libraries")
    (description
     "xkit creates, runs and destroys Xen virtual machines: libraries for
hypercalls (libxkctrl), guest images (libxkguest) and orchestration
(libxklight), and @command{xl} and @command{xenstore} with the commands and
output Xen users know.")
    (license (list license:lgpl2.1+ license:gpl2+))))

xkit
