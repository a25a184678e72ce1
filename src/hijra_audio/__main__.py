from hijra_audio.cli import main

main()
