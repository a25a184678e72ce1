"""What a build redoes and who does it: the clip cache and the manifest it decides by, and the
worker processes that speak segments and render episodes."""
